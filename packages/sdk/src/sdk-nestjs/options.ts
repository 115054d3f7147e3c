import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { ParticipantOptions } from '../sdk';

export const SAGA_PARTICIPANT_OPTIONS = 'saga-orchestrator:participant-options';

/**
 * The participant's options (`createParticipant`, documented there) without `handlers`: the module finds them on
 * decorated methods. `logger` defaults to Nest's `Logger` with context `SagaParticipant`.
 */
export type SagaParticipantModuleOptions = Omit<ParticipantOptions, 'handlers'>;

export interface SagaParticipantModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Builds the options from injected providers (e.g. a config service and a `pg.Pool`). */
  useFactory: (...args: never[]) => SagaParticipantModuleOptions | Promise<SagaParticipantModuleOptions>;
  /** Providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
}
