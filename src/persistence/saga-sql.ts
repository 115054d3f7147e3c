import type { TimerPayload } from '../core/timers';
import type { StoredSaga } from '../orchestrator/ports';
import type { SqlStatement } from './sql';

/**
 * Reads the sagas that replies name, and which of the replies were already applied, in one round trip. Each saga
 * is looked up on its own (OFFSET 0 keeps the subquery from being merged into a join), for the reason the saga
 * change statement gives (saga-change-sql.ts).
 */
export function readSagasForReplies(sagaIds: string[], messageIds: string[]): SqlStatement {
  return {
    name: 'saga.read-for-replies',
    text: `SELECT coalesce((SELECT json_agg(json_build_object('id', s.id, 'state', s.state,
                                                             'revision', s.revision, 'lastSeq', s.last_seq))
                            FROM unnest($1::uuid[]) AS wanted(id)
                            CROSS JOIN LATERAL (SELECT i.id, i.state, i.revision, i.last_seq FROM saga_instances i
                                                WHERE i.id = wanted.id OFFSET 0) s),
                           '[]'::json) AS sagas,
                  ARRAY(SELECT p.message_id FROM processed_replies p WHERE p.message_id = ANY($2::text[])) AS applied`,
    values: [sagaIds, messageIds],
  };
}

export interface SagasForRepliesRow {
  sagas: StoredSaga[];
  applied: string[];
}

export function readSaga(sagaId: string): SqlStatement {
  return {
    text: `SELECT id, state, revision, last_seq AS "lastSeq" FROM saga_instances WHERE id = $1`,
    values: [sagaId],
  };
}

export function findSagaByIdempotencyKey(key: string): SqlStatement {
  return {
    text: `SELECT id, name, version, status, request_fingerprint AS "requestFingerprint"
           FROM saga_instances WHERE idempotency_key = $1`,
    values: [key],
  };
}

export interface DueTimerRow extends StoredSaga {
  key: string;
  payload: TimerPayload;
}

/** Due timers with their sagas, read without locks: the write that applies a timer also deletes it. */
export function selectDueTimers(now: Date, limit: number): SqlStatement {
  return {
    name: 'saga.due-timers',
    text: `SELECT t.key, t.payload, s.id, s.state, s.revision, s.last_seq AS "lastSeq"
           FROM saga_timers t JOIN saga_instances s ON s.id = t.saga_id
           WHERE t.fire_at <= $1 ORDER BY t.fire_at LIMIT $2`,
    values: [now.toISOString(), limit],
  };
}
