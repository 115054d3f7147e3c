import { SagaStatus } from '../core/status';
import { namedStatement } from './named-sql';
import type { SqlStatement } from './sql';

/** The tables retention deletes from; each statement reports how many rows it deleted in each. */
export const retentionTables = [
  'saga_instances',
  'saga_events',
  'processed_replies',
  'saga_timers',
  'dead_letters',
] as const;
export type RetentionTable = (typeof retentionTables)[number];
export type DeletedRows = Record<RetentionTable, number>;

export function noDeletedRows(): DeletedRows {
  return { saga_instances: 0, saga_events: 0, processed_replies: 0, saga_timers: 0, dead_letters: 0 };
}

/** Taken for a whole sweep, by one engine process at a time (the migrations take 728_100_417). */
export const RETENTION_LOCK_ID = 728_100_418;

/**
 * The statuses retention deletes. `COMPENSATION_FAILED` is terminal too, but such a saga left the business
 * inconsistent and waits for a person: it is kept, whatever its age, until an operator resolves it.
 */
export const expiringStatuses: readonly SagaStatus[] = [SagaStatus.completed, SagaStatus.compensated];

/** A finished saga, or a dead letter, last changed before this moment is past retention. */
export function retentionCutoff(now: Date, retentionMs: number): Date {
  return new Date(now.getTime() - retentionMs);
}

/** Session-level: held across the sweep's statements until released, or until its connection closes. */
export function tryRetentionLock(): SqlStatement {
  return { text: 'SELECT pg_try_advisory_lock($1) AS locked', values: [RETENTION_LOCK_ID] };
}

export function releaseRetentionLock(): SqlStatement {
  return { text: 'SELECT pg_advisory_unlock($1) AS released', values: [RETENTION_LOCK_ID] };
}

/**
 * Up to `$limit` sagas that finished before `$cutoff`, oldest first within each status retention deletes. Each status is
 * read on its own, in the order of the (status, created_at) index: a saga that finished before the cut-off started
 * before it, so `created_at < $cutoff` bounds the index range and `updated_at` is checked on the rows in it. A plan
 * that reads in index order cannot become a scan of the whole table, which a sweep that finds nothing left would
 * otherwise make on every run.
 * Locking: `FOR UPDATE SKIP LOCKED` passes over a saga row another transaction holds, and re-checks the status and
 * time on the row as it is when locked.
 */
export const EXPIRED_SAGAS = `
  SELECT expired.id
  FROM (VALUES ${expiringStatuses.map((status) => `('${status}')`).join(', ')}) AS finished (status)
  CROSS JOIN LATERAL (
    SELECT i.id FROM saga_instances i
    WHERE i.status = finished.status AND i.created_at < $cutoff AND i.updated_at < $cutoff
    ORDER BY i.created_at
    LIMIT $limit
    FOR UPDATE SKIP LOCKED) expired
  LIMIT $limit`;

/**
 * Deletes the sagas of `EXPIRED_SAGAS` with their log, replies and timers, and reports the rows deleted per table.
 * The children are deleted by saga_id here (processed_replies has no foreign key; the cascade of saga_events and
 * saga_timers then finds nothing left), so each count is exact. Every table is reached through an index on the
 * saga id (`= ANY` of the ids found), whatever the table statistics when the plan was made.
 */
export const expireSagas = namedStatement<{ cutoff: string; limit: number }>(
  `WITH expired AS MATERIALIZED (${EXPIRED_SAGAS}),
   events AS (DELETE FROM saga_events WHERE saga_id = ANY (ARRAY(SELECT id FROM expired)) RETURNING 1),
   replies AS (DELETE FROM processed_replies WHERE saga_id = ANY (ARRAY(SELECT id FROM expired)) RETURNING 1),
   timers AS (DELETE FROM saga_timers WHERE saga_id = ANY (ARRAY(SELECT id FROM expired)) RETURNING 1),
   sagas AS (DELETE FROM saga_instances WHERE id = ANY (ARRAY(SELECT id FROM expired)) RETURNING 1)
   SELECT (SELECT count(*) FROM sagas)::int AS saga_instances,
          (SELECT count(*) FROM events)::int AS saga_events,
          (SELECT count(*) FROM replies)::int AS processed_replies,
          (SELECT count(*) FROM timers)::int AS saga_timers`,
  'retention.expire-sagas',
);

/** Deletes up to `$limit` dead letters received before `$cutoff`, oldest first (in received_at index order). */
export const expireDeadLetters = namedStatement<{ cutoff: string; limit: number }>(
  `WITH expired AS MATERIALIZED (
     SELECT id FROM dead_letters WHERE received_at < $cutoff
     ORDER BY received_at, id LIMIT $limit FOR UPDATE SKIP LOCKED),
   letters AS (DELETE FROM dead_letters WHERE id = ANY (ARRAY(SELECT id FROM expired)) RETURNING 1)
   SELECT count(*)::int AS dead_letters FROM letters`,
  'retention.expire-dead-letters',
);

/**
 * How long past retention the oldest row still kept is, in seconds (0 when none is). For sagas, the one that
 * started first among those past retention stands for the oldest: one index lookup per status rather than a scan
 * of every saga past retention, which is what a sweep that falls behind would leave. Dead letters are exact.
 */
export function oldestOverdue(cutoff: Date): SqlStatement {
  const firstPerStatus = expiringStatuses.map(
    (status) => `(SELECT updated_at FROM saga_instances
                  WHERE status = '${status}' AND created_at < $1 AND updated_at < $1
                  ORDER BY created_at LIMIT 1)`,
  );
  return {
    text: `SELECT GREATEST(0, EXTRACT(EPOCH FROM $1::timestamptz - LEAST(
             ${firstPerStatus.join(',\n             ')},
             (SELECT min(received_at) FROM dead_letters))))::float8 AS seconds`,
    values: [cutoff.toISOString()],
  };
}

/**
 * The tables a sweep leaves dead rows in that the hot tables' vacuum does not cover (it vacuums saga_instances
 * and saga_timers): without a vacuum their free space is never reused, and some servers run no autovacuum.
 */
export function vacuumAfterRetention(): SqlStatement {
  return {
    text: 'VACUUM (SKIP_LOCKED, TRUNCATE false) saga_events, processed_replies, dead_letters',
    values: [],
  };
}
