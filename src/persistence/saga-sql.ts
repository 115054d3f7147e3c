import type { LogEntry } from '../core/effects';
import type { SagaState } from '../core/state';
import type { TimerPayload } from '../core/timers';
import type { SqlStatement } from './sql';

/** Statements of the orchestrator's hot path, one function per operation. */

export interface LockedSagaRow {
  state: SagaState;
  revision: number;
  last_seq: number;
}

export function insertSaga(
  state: SagaState,
  idempotencyKey: string | null,
  requestFingerprint: string | null,
  lastSeq: number,
): SqlStatement {
  return {
    text: `INSERT INTO saga_instances (id, name, version, status, correlation_id, idempotency_key,
             request_fingerprint, state, revision, last_seq, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10)
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING id`,
    values: [
      state.id,
      state.name,
      state.version,
      state.status,
      state.correlationId,
      idempotencyKey,
      requestFingerprint,
      JSON.stringify(state),
      lastSeq,
      state.createdAt,
    ],
  };
}

export function findSagaByIdempotencyKey(key: string): SqlStatement {
  return {
    text: `SELECT id, name, version, status, request_fingerprint FROM saga_instances WHERE idempotency_key = $1`,
    values: [key],
  };
}

/** Row lock held until commit: every change to one saga is serialised through it. */
export function lockSaga(sagaId: string, skipLocked = false): SqlStatement {
  return {
    text: `SELECT state, revision, last_seq FROM saga_instances WHERE id = $1
           FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
    values: [sagaId],
  };
}

/** Compare-and-set on revision, on top of the row lock, so a lost update cannot go unnoticed. */
export function updateSaga(state: SagaState, expectedRevision: number, lastSeq: number): SqlStatement {
  return {
    text: `UPDATE saga_instances
           SET status = $3, state = $4, revision = revision + 1, last_seq = $5, updated_at = $6, failing_step = $7
           WHERE id = $1 AND revision = $2`,
    values: [
      state.id,
      expectedRevision,
      state.status,
      JSON.stringify(state),
      lastSeq,
      state.updatedAt,
      state.compensationCause?.step ?? null,
    ],
  };
}

export function insertLogEntries(sagaId: string, firstSeq: number, entries: LogEntry[]): SqlStatement {
  return {
    text: `INSERT INTO saga_events (saga_id, seq, type, step, data, at)
           SELECT $1, $2 + e.ordinality - 1, e.entry->>'type', e.entry->>'step', e.entry->'data',
                  (e.entry->>'at')::timestamptz
           FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(entry, ordinality)`,
    values: [sagaId, firstSeq, JSON.stringify(entries)],
  };
}

/** Marks a reply as applied; no row back means it was applied before. */
export function recordProcessedReply(messageId: string, sagaId: string): SqlStatement {
  return {
    text: `INSERT INTO processed_replies (message_id, saga_id) VALUES ($1, $2)
           ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
    values: [messageId, sagaId],
  };
}

export interface TimerToSchedule {
  key: string;
  fireAt: string;
  payload: TimerPayload;
}

export function upsertTimers(sagaId: string, timers: TimerToSchedule[]): SqlStatement {
  return {
    text: `INSERT INTO saga_timers (saga_id, key, fire_at, payload)
           SELECT $1, t.key, t."fireAt", t.payload
           FROM jsonb_to_recordset($2::jsonb) AS t(key text, "fireAt" timestamptz, payload jsonb)
           ON CONFLICT (saga_id, key) DO UPDATE SET fire_at = excluded.fire_at, payload = excluded.payload`,
    values: [sagaId, JSON.stringify(timers)],
  };
}

export function deleteTimers(sagaId: string, keys: string[]): SqlStatement {
  return { text: `DELETE FROM saga_timers WHERE saga_id = $1 AND key = ANY($2)`, values: [sagaId, keys] };
}

export function deleteAllTimers(sagaId: string): SqlStatement {
  return { text: `DELETE FROM saga_timers WHERE saga_id = $1`, values: [sagaId] };
}

/** Read without locks: the claim happens per timer, under the saga's row lock. */
export function selectDueTimers(now: Date, limit: number): SqlStatement {
  return {
    text: `SELECT saga_id, key FROM saga_timers WHERE fire_at <= $1 ORDER BY fire_at LIMIT $2`,
    values: [now.toISOString(), limit],
  };
}

/** Claims a due timer; called with the saga's row lock held, so two instances cannot both fire it. */
export function takeDueTimer(sagaId: string, key: string, now: Date): SqlStatement {
  return {
    text: `DELETE FROM saga_timers WHERE saga_id = $1 AND key = $2 AND fire_at <= $3 RETURNING payload`,
    values: [sagaId, key, now.toISOString()],
  };
}

export function selectNextTimerDue(): SqlStatement {
  return { text: `SELECT min(fire_at) AS next FROM saga_timers`, values: [] };
}
