/**
 * Participant SDK: consume saga commands, run a handler per command type, reply; subscribe to saga lifecycle
 * events (docs/wire-protocol.md).
 */
export { createParticipant } from './participant';
export type { Participant } from './participant';
export type { ParticipantLogger, ParticipantOptions } from './options';
export type { Logger } from '../shared/logger';
export type { CommandContext } from './context';
export { defineHandler } from './handlers';
export type { CommandHandler, HandlerDeclaration, HandlerDefinition, HandlerResult } from './handlers';
export { FailureCode } from './failure-codes';
export {
  BusinessError,
  ParticipantError,
  ParticipantOptionsError,
  RetryableError,
  SubscriberOptionsError,
} from './errors';
export { subscribe } from './subscriber';
export { InProcessBroker } from '../messaging/in-process/in-process-broker';
export type { BrokerTransport } from '../messaging/broker-transport';
export type { Subscription } from './subscriber';
export type { EventContext, EventHandler, SubscriberOptions } from './subscriber-options';
export { LifecycleEventType, lifecycleEventSchema } from '../contracts/lifecycle-event';
export type { LifecycleEvent } from '../contracts/lifecycle-event';
export {
  answers,
  createMemoryIdempotencyStore,
  isTombstone,
  supersedes,
  tombstoneAttempt,
} from './idempotency';
export type {
  AttemptRef,
  IdempotencyRecord,
  IdempotencyStore,
  Outcome,
  TransactionResult,
} from './idempotency';
export { createPostgresIdempotencyStore } from './postgres-idempotency-store';
export type { PostgresIdempotencyStore, PostgresIdempotencyStoreOptions } from './postgres-idempotency-store';
export type { Command } from '../contracts/command';
export type { JsonObject, JsonValue } from '../contracts/json';
