import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Clock, IdGenerator } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { BROKER_TRANSPORT, CLOCK, ID_GENERATOR, LOGGER } from '../shared/tokens';
import type { BrokerTransport } from 'saga-orchestrator-sdk/internal/messaging/broker-transport';
import type { AppConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface Runtime {
  logger: Logger;
  clock: Clock;
  newId: IdGenerator;
  /** How the broker is reached: amqplib (RabbitMQ), or embedded mode's in-process broker. */
  brokerTransport: BrokerTransport;
}

/** The configuration, parsed once before Nest starts, and the logger, clock and id generator every area uses. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: ID_GENERATOR, useValue: runtime.newId },
        { provide: BROKER_TRANSPORT, useValue: runtime.brokerTransport },
      ],
      exports: [APP_CONFIG, LOGGER, CLOCK, ID_GENERATOR, BROKER_TRANSPORT],
    };
  }
}
