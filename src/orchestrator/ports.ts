import type { JsonObject, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../core/definition/types';
import type { Decision } from '../core/effects';
import type { SagaEvent } from '../core/events';
import type { SagaState } from '../core/state';
import type { SagaStatus } from '../core/status';
import type { TimerPayload } from '../core/timers';

/**
 * What the orchestrator needs from the world, as interfaces it owns: persistence implements the saga store,
 * transport the command publisher, definitions the definition source. An embedded mode or a test plugs in its own.
 */

/** A saga as last written; its revision guards the next write (optimistic concurrency). */
export interface StoredSaga {
  id: string;
  state: SagaState;
  revision: number;
  /** The `seq` of its last event. */
  lastSeq: number;
}

export interface DueTimer {
  saga: StoredSaga;
  key: string;
  payload: TimerPayload;
}

/** The saga an Idempotency-Key started, and a fingerprint of the request that started it. */
export interface IdempotentStart {
  id: string;
  name: string;
  version: number;
  status: SagaStatus;
  requestFingerprint: string | null;
}

export interface TimerToSchedule {
  key: string;
  fireAt: string;
  payload: TimerPayload;
}

/**
 * A message to publish, as the outbox keeps it until the broker confirms it: a command for a participant
 * (`sagas.commands`) or a lifecycle event (`sagas.events`).
 */
export interface OutboxCommand {
  messageId: string;
  exchange: string;
  routingKey: string;
  headers: Record<string, string>;
  body: JsonObject;
}

/** An outbox row: a message with its row id and saga. */
export interface OutboxMessage extends OutboxCommand {
  id: string;
  sagaId: string;
}

/**
 * Everything one saga's decisions change, written at once: its row, its events, its timers, the commands and
 * lifecycle events it publishes (outbox) and the replies it consumed.
 */
export interface SagaChange {
  sagaId: string;
  /** The revision the decisions were made on; the change is written only if the saga is still at it. */
  expectedRevision: number;
  /** Null when the decisions changed nothing: only the revision and the log position move. */
  state: SagaState | null;
  /** The definition version the saga was moved to by these decisions; null when it stays on its own. */
  movedToVersion: number | null;
  lastSeq: number;
  events: Array<SagaEvent & { seq: number }>;
  processedReplies: string[];
  /** Every timer of the saga goes (it ended); `cancelledTimers` and `scheduledTimers` are then empty. */
  clearTimers: boolean;
  cancelledTimers: string[];
  scheduledTimers: TimerToSchedule[];
  /** Outbox rows, commands and lifecycle events in the order the decisions made them. */
  commands: OutboxCommand[];
}

export interface NewSaga {
  state: SagaState;
  idempotencyKey: string | null;
  requestFingerprint: string | null;
}

export interface Committed {
  /** Sagas whose change took effect; the others moved on since they were read. */
  written: Set<string>;
  /** Outbox rows inserted, leased to this engine process, in the order to publish them. */
  queued: OutboxMessage[];
  /** Per saga written, the JSON length of its row: what the saga cache counts. */
  rowBytes: Map<string, number>;
}

/**
 * Where sagas live. Every commit is atomic on its own; a change whose saga moved on since it was read, or which
 * applies a reply applied before, is not written (`Committed.written` tells which were).
 */
export interface SagaStore {
  read(sagaId: string): Promise<StoredSaga | null>;
  /** The sagas replies name, and which of the replies were applied before, in one round trip. */
  readForReplies(sagaIds: string[], replyIds: string[]): Promise<{ sagas: StoredSaga[]; applied: string[] }>;
  /** Timers due at `now`, oldest first, with their sagas; read without locks. */
  dueTimers(now: Date, limit: number): Promise<DueTimer[]>;
  findByIdempotencyKey(key: string): Promise<IdempotentStart | null>;
  /** Writes changes to sagas read before; outbox rows the broker confirmed since the last commit go with it. */
  update(changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed>;
  /**
   * Creates sagas with the change of their first decision (`changes[i]` belongs to `sagas[i]`); a saga whose
   * idempotency key is taken, by an earlier request or an earlier saga of the batch, is not written.
   */
  insert(sagas: NewSaga[], changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed>;
  /**
   * Whether an error means the store refused a value of one change (it would fail again the same way), rather
   * than failing as a whole: the committer then writes the changes one by one to set the refused one apart.
   */
  refusedValue(error: unknown): boolean;
}

/** Hands committed outbox rows to the broker. */
export interface CommandPublisher {
  publish(messages: OutboxMessage[]): void;
  /** Ids of outbox rows the broker has confirmed: the next commit deletes them. */
  takeConfirmed(): string[];
  /** Gives back ids taken for a commit that failed. */
  giveBackConfirmed(ids: string[]): void;
}

/** Told about every decision once it has committed (metrics, traces…). */
export interface DecisionListener {
  /**
   * `before` is the saga as the decision found it (null for a saga the decision started); `cause` what made it, as
   * logged (a reply's `replyId` and `inReplyTo`, a timer, an operator action).
   */
  committed(decision: Decision, before: SagaState | null, cause: Readonly<Record<string, string>>): void;
  /** Fields the log lines about a saga carry besides its scope (the trace it is on…); none when absent. */
  logFields?(state: SagaState): Readonly<Record<string, string>>;
}

/** A version of a definition, and the check of a start's input against its JSON Schema. */
export interface RegisteredDefinition {
  definition: SagaDefinition;
  validateInput(input: unknown): Array<{ path: string; message: string }>;
}

/** A definition's name and version: what a saga runs on. */
export interface DefinitionKey {
  name: string;
  version: number;
}

/** The definitions sagas run on, by name and version. */
export interface DefinitionSource {
  get(name: string, version: number): SagaDefinition | undefined;
  /**
   * Makes `get` answer for every version asked for that is stored, also one another engine process stored after
   * this one started (read from storage once, then held). A version not stored stays missing.
   */
  ensure(keys: readonly DefinitionKey[]): Promise<void>;
  /**
   * Why `get` does not answer for a version storage was asked for: not stored, or stored in a form this engine
   * cannot read. Undefined for a version held, or not looked for yet.
   */
  unavailable(name: string, version: number): string | undefined;
  /** The version new sagas of this name start on. */
  currentVersion(name: string): RegisteredDefinition | undefined;
  /** Every participant a stored definition names. */
  participants(): string[];
  /** Calls `listener` with the participants a version held later names for the first time. */
  onNewParticipants(listener: (participants: string[]) => void): void;
}

/** A reply as it arrived: the AMQP `user_id` it came with (checked by the broker), for the reply authorization. */
export interface ReceivedReply {
  reply: Reply;
  userId: string | null;
}

export type ReplyHandling = 'applied' | 'ignored' | 'duplicate' | 'unknown-saga';

/**
 * What became of one reply of a batch. `failed` replies were not applied: they should come again unless the error
 * is about the reply itself (`SagaStore.refusedValue`); `refused` replies can never be applied (not authorized, or
 * the decision cannot take them).
 */
export type ReplyResult =
  | { handling: ReplyHandling }
  | { handling: 'failed'; error: Error; refusedValue: boolean }
  | { handling: 'refused'; reason: string };

/** What the reply consumer hands replies to. */
export interface ReplyApplier {
  apply(batch: ReceivedReply[]): Promise<ReplyResult[]>;
}
