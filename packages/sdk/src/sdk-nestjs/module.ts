import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SagaParticipantHost } from './explorer';
import {
  SAGA_PARTICIPANT_OPTIONS,
  type SagaParticipantModuleAsyncOptions,
  type SagaParticipantModuleOptions,
} from './options';

/**
 * Runs the application's `@SagaCommandHandler` methods as one saga participant: it starts consuming once the
 * application has bootstrapped and stops (draining the commands in flight) when it shuts down.
 */
@Module({})
export class SagaParticipantModule {
  static forRoot(options: SagaParticipantModuleOptions): DynamicModule {
    return {
      module: SagaParticipantModule,
      imports: [DiscoveryModule],
      providers: [{ provide: SAGA_PARTICIPANT_OPTIONS, useValue: options }, SagaParticipantHost],
    };
  }

  /** Options built by a factory from injected providers, e.g. `url` from configuration and a `pg.Pool`. */
  static forRootAsync(options: SagaParticipantModuleAsyncOptions): DynamicModule {
    return {
      module: SagaParticipantModule,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: SAGA_PARTICIPANT_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        SagaParticipantHost,
      ],
    };
  }
}
