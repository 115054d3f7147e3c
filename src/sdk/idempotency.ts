import type { PoolClient } from 'pg';
import type { JsonObject } from '../contracts/json';
import type { ReplyError } from '../contracts/reply';

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
 * same way instead of being handled twice. The rules an implementation must keep are `answers` and `supersedes`.
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
}

/**
 * Whether `record` is the answer to attempt `attempt` of its key. A success always is: the effect took place.
 * A business failure answers its own attempt and earlier ones (a redelivery); a later attempt — the engine
 * only sends one after a non-retryable failure when an operator retries the saga — runs the handler again.
 */
export function answers(record: IdempotencyRecord, attempt: number): boolean {
  return record.outcome === 'success' || attempt <= record.attempt;
}

/** Whether `next` replaces the stored `current`: the first success is final; a later attempt replaces a failure. */
export function supersedes(current: IdempotencyRecord, next: IdempotencyRecord): boolean {
  return current.outcome === 'failure' && next.attempt > current.attempt;
}

/**
 * Keeps records in this process's memory: for tests and for participants whose effects live in memory too.
 * Records are lost when the process ends. `ctx.transaction` is not supported.
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
  };
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
