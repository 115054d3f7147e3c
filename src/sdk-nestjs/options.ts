import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { IdempotencyStore, ParticipantLogger } from '../sdk';

export const SAGA_PARTICIPANT_OPTIONS = 'saga-orchestrator:participant-options';

export interface SagaParticipantModuleOptions {
  /** Broker URL, e.g. `amqp://guest:guest@127.0.0.1:5672`. Required. */
  url: string;
  /** This participant's name, `[a-z0-9-]+`: it consumes queue `sagas.commands.<participant>`. Required. */
  participant: string;
  /** Most commands handled at once, 1 to 65535. Default 16. */
  prefetch?: number;
  /** Where outcomes are recorded per `idempotency_key`. Default none. */
  idempotency?: IdempotencyStore;
  /** Default: Nest's `Logger` with context `SagaParticipant`. */
  logger?: ParticipantLogger;
  /** Largest command body read, in bytes; a larger one is dead-lettered. Default 8 MiB. */
  maxCommandBytes?: number;
  /** Largest reply sent, in bytes; a larger one becomes an `OUTPUT_TOO_LARGE` failure. Default 1 MiB. */
  maxReplyBytes?: number;
  /** Stamp every published message with the AMQP `userId` of the broker user in `url`. Default false. */
  replyUserId?: boolean;
}

export interface SagaParticipantModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Builds the options from injected providers (e.g. a config service and a `pg.Pool`). */
  useFactory: (...args: never[]) => SagaParticipantModuleOptions | Promise<SagaParticipantModuleOptions>;
  /** Providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
}
