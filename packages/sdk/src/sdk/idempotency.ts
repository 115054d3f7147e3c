import type { PoolClient } from 'pg';
import type { Command } from '../contracts/command';
import type { JsonObject } from '../contracts/json';
import type { ReplyError } from '../contracts/reply';
import { FailureCode } from './failure-codes';

/** A final outcome a handler produced: a success with its output, or a non-retryable failure. */
export type Outcome = { outcome: 'success'; output: JsonObject } | { outcome: 'failure'; error: ReplyError };

/** The command an outcome was produced for. */
export interface AttemptRef {
  attempt: number;
  messageId: string;
}

/** The outcome recorded for an idempotency key, and the command it was produced for. */
export type IdempotencyRecord = Outcome & AttemptRef;

/** What `IdempotencyStore.transaction` did: ran the work and recorded its output, or found a record that stands. */
export interface TransactionResult {
  ran: boolean;
  record: IdempotencyRecord;
}

/**
 * Where a participant records the outcome of each idempotency key (docs/wire-protocol.md: `idempotency_key` is the same
 * for every attempt of a step's action or compensation), so a command already answered is answered again the
 * same way instead of being handled twice. The rules an implementation must keep are `answers` and `supersedes`;
 * a store with `recordTombstone` also keeps an action that its compensation overtook from ever running.
 */
export interface IdempotencyStore {
  /** The record for `key`, if any. */
  find(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores `record` for `key` unless the stored record stands against it (`supersedes` is false), atomically;
   * returns the record that stands afterwards.
   */
  record(key: string, record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * Optional; backs `ctx.transaction`. Runs `work` in one database transaction that holds a lock on `key`: when
   * the record found under the lock `answers` this attempt the work is not run; otherwise the work's output is
   * recorded in the same transaction, so the effect and its record commit together or not at all.
   */
  transaction?(
    key: string,
    attempt: AttemptRef,
    work: (client: PoolClient) => Promise<JsonObject>,
  ): Promise<TransactionResult>;
  /**
   * Optional; without it a compensation leaves no tombstone. Stores `tombstone` for the action's `key` only when
   * the key has no record, atomically; returns the record that stands afterwards (the tombstone, or the
   * action's outcome). A store with `transaction` first waits for a transaction holding the key's lock, so an
   * action running in `ctx.transaction` is either recorded or rolled back before the key is looked at.
   */
  recordTombstone?(key: string, tombstone: IdempotencyRecord): Promise<IdempotencyRecord>;
}

/**
 * Whether `record` is the answer to attempt `attempt` of its key. A success always is: the effect took place.
 * A business failure answers its own attempt and earlier ones (a redelivery); a later attempt — the engine
 * only sends one after a non-retryable failure when an operator retries the saga — runs the handler again.
 */
export function answers(record: IdempotencyRecord, attempt: number): boolean {
  return record.outcome === 'success' || isTombstone(record) || attempt <= record.attempt;
}

/**
 * Whether `next` replaces the stored `current`: the first success is final; a later attempt replaces a failure;
 * a tombstone is never replaced.
 */
export function supersedes(current: IdempotencyRecord, next: IdempotencyRecord): boolean {
  return current.outcome === 'failure' && !isTombstone(current) && next.attempt > current.attempt;
}

/**
 * The attempt a tombstone is recorded under: PostgreSQL's largest `integer`, above any attempt the engine sends.
 * By the attempt comparison alone it then answers every attempt of the action and is never replaced — also in
 * SDK versions that predate tombstones, which read it as a business failure, so processes of both versions can
 * share a table during an upgrade.
 */
export const tombstoneAttempt = 2_147_483_647;

/**
 * The record that keeps an action from ever running once its step's compensation was handled first: a
 * non-retryable `COMPENSATED_BEFORE_ACTION` failure, recorded for the compensation command `compensation`.
 */
export function tombstoneFor(compensation: Command): IdempotencyRecord {
  return {
    outcome: 'failure',
    error: {
      code: FailureCode.compensatedBeforeAction,
      message: `step ${JSON.stringify(compensation.step)} was compensated before this action ran; the action will not run`,
      retryable: false,
    },
    attempt: tombstoneAttempt,
    messageId: compensation.message_id,
  };
}

/** Whether `record` is a tombstone (`tombstoneFor`) rather than an outcome a handler produced. */
export function isTombstone(record: IdempotencyRecord): boolean {
  return (
    record.outcome === 'failure' &&
    record.attempt === tombstoneAttempt &&
    record.error.code === FailureCode.compensatedBeforeAction
  );
}

/**
 * The idempotency key of the action that `compensation` undoes (docs/wire-protocol.md: `<saga id>:<step>:action`),
 * or null when the compensation's own key is not `<saga id>:<step>:compensation`: the sender follows some other
 * scheme, and the action's key cannot be known.
 */
export function actionKeyOf(compensation: Command): string | null {
  const step = `${compensation.saga.id}:${compensation.step}`;
  return compensation.idempotency_key === `${step}:compensation` ? `${step}:action` : null;
}

/**
 * Keeps records in this process's memory: for tests and for participants whose effects live in memory too.
 * Records are lost when the process ends. `ctx.transaction` is not supported. Every method reads and writes
 * at the moment it is called, before it returns: the SDK relies on that to order an action's deliveries and its
 * tombstone within the process.
 */
export function createMemoryIdempotencyStore(): IdempotencyStore {
  const records = new Map<string, IdempotencyRecord>();
  return {
    find: (key) => Promise.resolve(copy(records.get(key))),
    record(key, record) {
      const current = records.get(key);
      if (current === undefined || supersedes(current, record)) records.set(key, copy(record));
      return Promise.resolve(copy(records.get(key))!);
    },
    recordTombstone(key, tombstone) {
      if (!records.has(key)) records.set(key, copy(tombstone));
      return Promise.resolve(copy(records.get(key))!);
    },
  };
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
