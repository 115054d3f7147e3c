import { SagaStatus, sagaStatuses, terminalStatuses } from '../core/status';
import { durationBucketSql } from '../shared/duration-histogram';
import type { SqlStatement } from './sql';

/**
 * The per-minute totals behind the dashboard statistics (migration 1764900000000-StatsRollup). A saga is added to
 * the minute it started in once it is terminal; one still open when its minute is added waits in
 * saga_stats_pending until it is. A COMPENSATION_FAILED saga is terminal until an operator resolves it: what it
 * added is then taken back, and it waits again.
 */

/** Taken for one transaction of the job, by one engine process at a time (retention takes 728_100_418). */
export const STATS_ROLLUP_LOCK_ID = 728_100_419;

export function tryRollupLock(): SqlStatement {
  return { text: 'SELECT pg_try_advisory_xact_lock($1) AS locked', values: [STATS_ROLLUP_LOCK_ID] };
}

/** The totals are read only while the job keeps them this close to now; otherwise every saga is read live. */
export const TOTALS_STALE_AFTER = '10 minutes';

export interface RollupProgress {
  /** The start of the first minute not yet added. */
  rolled_until: Date;
  /** The start of the first minute whose totals retention has not deleted (null before the first deletion). */
  expired_before: Date | null;
  /** Whether rolled_until is within TOTALS_STALE_AFTER of now. */
  fresh: boolean;
}

/** The job's progress (no row before the first minute is added). */
export function rollupProgress(): SqlStatement {
  return {
    text: `SELECT rolled_until, expired_before, rolled_until > now() - interval '${TOTALS_STALE_AFTER}' AS fresh
           FROM saga_stats_progress`,
    values: [],
  };
}

/**
 * The end of the minutes the job may add now, on the database's clock: \`$1\` ms before now, and before the oldest
 * transaction still open on this database, so that no saga still to commit can start in a minute already added. A
 * saga's start time is the engine's clock when it decided the start, a moment before the transaction that writes it
 * begins. Run on its own, before the job's snapshot: a transaction that ends in between is in that snapshot.
 */
export function rollupBoundary(lagMs: number): SqlStatement {
  return {
    text: `SELECT date_trunc('minute', least(now(), coalesce((
             SELECT min(xact_start) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL), now()))
             - $1 * interval '1 millisecond') AS boundary`,
    values: [lagMs],
  };
}

/**
 * The next minutes to add, from `$from` (null: the first saga's minute) up to `$boundary` at most, holding about
 * `$batch` sagas: [start, end), or no row when no saga started from `$from` on.
 */
export function nextRange(params: { from: Date | null; boundary: Date; batch: number }): SqlStatement {
  return {
    text: `WITH first AS (
             SELECT date_trunc('minute', min(created_at)) AS start FROM saga_instances
             WHERE created_at >= coalesce($1::timestamptz, '-infinity'))
           SELECT first.start,
                  least($2::timestamptz, greatest(first.start + interval '1 minute', coalesce((
                    SELECT date_trunc('minute', created_at) FROM saga_instances
                    WHERE created_at >= first.start ORDER BY created_at OFFSET $3 LIMIT 1), $2))) AS end
           FROM first WHERE first.start IS NOT NULL`,
    values: [params.from?.toISOString() ?? null, params.boundary.toISOString(), params.batch],
  };
}

/** A saga's duration in ms; a terminal saga's last update is when it finished. */
export const FINISHED_MS = (alias: string) =>
  `EXTRACT(EPOCH FROM ${alias}.updated_at - ${alias}.created_at)::float8 * 1000`;

/**
 * Per (saga, step): the step-outcome counts, from rows `step` of jsonb_array_elements(steps), each row weighing
 * `weight` (1, or a column saying +1 or -1).
 */
export function stepOutcomeColumns(weight: string): string {
  return `name AS saga, step->>'name' AS step,
    coalesce(sum(${weight}) FILTER (WHERE step->>'status' NOT IN ('PENDING', 'SKIPPED')), 0) AS ran,
    coalesce(sum(${weight}) FILTER (WHERE step->>'status' = 'SKIPPED'), 0) AS skipped,
    coalesce(sum(${weight}) FILTER (WHERE step->>'status' IN ('FAILED', 'UNKNOWN')), 0) AS failed,
    coalesce(sum(${weight}) FILTER (WHERE jsonb_typeof(step->'compensation') = 'object'), 0) AS compensated,
    coalesce(sum(${weight}) FILTER (WHERE step->'compensation'->>'status' = 'FAILED'), 0) AS compensation_failed`;
}

const sqlList = (statuses: readonly SagaStatus[]) =>
  `(${statuses.map((status) => `'${status}'`).join(', ')})`;
/** The terminal statuses as an SQL list: `('COMPLETED', …)`. */
export const TERMINAL = sqlList([...terminalStatuses]);
const NOT_TERMINAL = sqlList(sagaStatuses.filter((status) => !terminalStatuses.has(status)));
const COMPENSATION_FAILED = `'${SagaStatus.compensationFailed}'`;

/** Of a state's steps, what the step outcomes read: name, status and the compensation's status. */
const STEPS_SUMMARY = `(SELECT coalesce(jsonb_agg(jsonb_build_object(
    'name', st->'name', 'status', st->'status',
    'compensation', CASE WHEN jsonb_typeof(st->'compensation') = 'object'
                         THEN jsonb_build_object('status', st->'compensation'->'status') END)), '[]')
  FROM jsonb_array_elements(src.steps) st)`;

/**
 * Adds to the three per-minute tables, in one statement, the sagas of `source`: a query returning id, name,
 * version, status, created_at, updated_at, steps (the state's) and sign, +1 to add a terminal saga, -1 to take
 * back a COMPENSATION_FAILED one added before. A COMPENSATION_FAILED saga added is remembered, with what it added,
 * in saga_stats_compensation_failed. Returns how many sagas it added and took back.
 */
function addToTotals(source: string, before = ''): string {
  return `WITH ${before} src AS MATERIALIZED (${source}),
    minutes AS (
      INSERT INTO saga_stats_minutes AS t (started_minute, finished_minute, name, version, status, count)
      SELECT date_trunc('minute', created_at), date_trunc('minute', updated_at), name, version, status, sum(sign)
      FROM src GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (started_minute, name, version, status, finished_minute)
      DO UPDATE SET count = t.count + excluded.count
      RETURNING 1),
    durations AS (
      INSERT INTO saga_duration_minutes AS t (started_minute, name, bucket, count)
      SELECT date_trunc('minute', created_at), name, ${durationBucketSql(FINISHED_MS('src'))}, sum(sign)
      FROM src GROUP BY 1, 2, 3
      ON CONFLICT (started_minute, name, bucket) DO UPDATE SET count = t.count + excluded.count
      RETURNING 1),
    steps AS (
      INSERT INTO saga_step_stats_minutes AS t
        (started_minute, saga, step, ran, skipped, failed, compensated, compensation_failed)
      SELECT date_trunc('minute', created_at) AS started_minute, ${stepOutcomeColumns('sign')}
      FROM src, jsonb_array_elements(src.steps) AS step GROUP BY 1, 2, 3
      ON CONFLICT (started_minute, saga, step) DO UPDATE SET
        ran = t.ran + excluded.ran, skipped = t.skipped + excluded.skipped, failed = t.failed + excluded.failed,
        compensated = t.compensated + excluded.compensated,
        compensation_failed = t.compensation_failed + excluded.compensation_failed
      RETURNING 1),
    remembered AS (
      INSERT INTO saga_stats_compensation_failed (saga_id, name, version, created_at, updated_at, steps)
      SELECT id, name, version, created_at, updated_at, ${STEPS_SUMMARY} FROM src
      WHERE status = ${COMPENSATION_FAILED} AND sign = 1
      ON CONFLICT (saga_id) DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FILTER (WHERE sign = 1) FROM src)::int AS added,
           (SELECT count(*) FILTER (WHERE sign = -1) FROM src)::int AS taken_back,
           (SELECT count(*) FROM minutes) + (SELECT count(*) FROM durations) + (SELECT count(*) FROM steps)
             + (SELECT count(*) FROM remembered) AS rows`;
}

const SAGA_COLUMNS = (alias: string) =>
  `${alias}.id, ${alias}.name, ${alias}.version, ${alias}.status, ${alias}.created_at, ${alias}.updated_at,
   ${alias}.state->'steps' AS steps, 1 AS sign`;

/** Adds the terminal sagas started in [$1, $2) to the totals. */
export function addTerminalSagas(range: { start: Date; end: Date }): SqlStatement {
  return {
    text: addToTotals(`SELECT ${SAGA_COLUMNS('s')} FROM saga_instances s
                       WHERE s.created_at >= $1 AND s.created_at < $2 AND s.status IN ${TERMINAL}`),
    values: [range.start.toISOString(), range.end.toISOString()],
  };
}

/** Keeps the sagas started in [$1, $2) that are not terminal yet, to add them when they are. */
export function keepOpenSagas(range: { start: Date; end: Date }): SqlStatement {
  return {
    text: `INSERT INTO saga_stats_pending (saga_id, created_at)
           SELECT id, created_at FROM saga_instances
           WHERE created_at >= $1 AND created_at < $2 AND status IN ${NOT_TERMINAL}
           ON CONFLICT (saga_id) DO NOTHING`,
    values: [range.start.toISOString(), range.end.toISOString()],
  };
}

/**
 * Takes back what each COMPENSATION_FAILED saga added once an operator has moved it on, and keeps it until it is
 * terminal again. Whether it still is COMPENSATION_FAILED is read from the status index alone (status, start
 * time and id are its key), so this costs what the remembered sagas are, never a row of saga_instances.
 */
export function takeBackResolvedSagas(): SqlStatement {
  return {
    text: addToTotals(
      `SELECT saga_id AS id, name, version, ${COMPENSATION_FAILED} AS status, created_at, updated_at, steps,
              -1 AS sign
       FROM resolved`,
      // Found apart from the DELETE (MATERIALIZED): joined into it, saga_instances' rows would be fetched for
      // the DELETE's concurrent-update checks, one random read per remembered saga.
      `no_longer_failed AS MATERIALIZED (
         SELECT c.saga_id FROM saga_stats_compensation_failed c
         WHERE NOT EXISTS (
           SELECT 1 FROM saga_instances s
           WHERE s.status = ${COMPENSATION_FAILED} AND s.created_at = c.created_at AND s.id = c.saga_id)),
       resolved AS (
         DELETE FROM saga_stats_compensation_failed c
         WHERE c.saga_id IN (SELECT saga_id FROM no_longer_failed)
         RETURNING c.*),
       kept AS (
         INSERT INTO saga_stats_pending (saga_id, created_at)
         SELECT saga_id, created_at FROM resolved
         ON CONFLICT (saga_id) DO NOTHING),`,
    ),
    values: [],
  };
}

/** Adds the kept sagas that have become terminal, and forgets them. */
export function addKeptSagasNowTerminal(): SqlStatement {
  return {
    text: addToTotals(
      `SELECT ${SAGA_COLUMNS('s')} FROM done JOIN saga_instances s ON s.id = done.saga_id`,
      // Found apart from the DELETE, as in takeBackResolvedSagas: the status index alone answers.
      `terminal_now AS MATERIALIZED (
         SELECT p.saga_id FROM saga_stats_pending p
         WHERE NOT EXISTS (
           SELECT 1 FROM saga_instances o
           WHERE o.status IN ${NOT_TERMINAL} AND o.created_at = p.created_at AND o.id = p.saga_id)),
       done AS (
         DELETE FROM saga_stats_pending p WHERE p.saga_id IN (SELECT saga_id FROM terminal_now)
         RETURNING p.saga_id),`,
    ),
    values: [],
  };
}

export function setRolledUntil(until: Date): SqlStatement {
  return {
    text: `INSERT INTO saga_stats_progress (only_row, rolled_until) VALUES (true, $1)
           ON CONFLICT (only_row) DO UPDATE SET rolled_until = excluded.rolled_until`,
    values: [until.toISOString()],
  };
}

/**
 * Totals of the minutes up to the retention cut-off: their sagas are deleted, or about to be. From then on the
 * statistics read those minutes live, which finds only what retention kept (COMPENSATION_FAILED sagas, and those
 * that finished after the cut-off). What the COMPENSATION_FAILED sagas of those minutes added is forgotten with
 * them, so nothing is taken back from a minute no longer kept.
 */
export function expireTotals(cutoff: Date): SqlStatement {
  const firstKeptMinute = new Date(Math.ceil(cutoff.getTime() / 60_000) * 60_000);
  return {
    text: `WITH minutes AS (DELETE FROM saga_stats_minutes WHERE started_minute < $1 RETURNING 1),
                durations AS (DELETE FROM saga_duration_minutes WHERE started_minute < $1 RETURNING 1),
                steps AS (DELETE FROM saga_step_stats_minutes WHERE started_minute < $1 RETURNING 1),
                remembered AS (DELETE FROM saga_stats_compensation_failed WHERE created_at < $1 RETURNING 1),
                progress AS (
                  UPDATE saga_stats_progress SET expired_before = greatest(expired_before, $1::timestamptz)
                  RETURNING 1)
           SELECT (SELECT count(*) FROM minutes)::int + (SELECT count(*) FROM durations)::int
                    + (SELECT count(*) FROM steps)::int + (SELECT count(*) FROM remembered)::int AS rows`,
    values: [firstKeptMinute.toISOString()],
  };
}
