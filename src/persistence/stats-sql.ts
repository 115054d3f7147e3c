import { durationBucketSql } from '../shared/duration-histogram';
import type { SqlStatement } from './sql';
import { FINISHED_MS, type RollupProgress, TERMINAL, stepOutcomeColumns } from './stats-rollup-sql';

/** Dashboard statistics, one statement each; all read-only, none takes locks. */

export interface StatsWindow {
  since: Date;
  name: string | null;
}

/**
 * Where each saga started in the window is counted: the whole minutes in [rolledFrom, rolledTo) from the per-minute
 * totals (and, for the sagas of those minutes still open when they were added, live from saga_instances); the rest
 * of the window live. With nothing rolled up, rolledFrom = rolledTo = since.
 */
export interface StatsSources extends StatsWindow {
  rolledFrom: Date;
  rolledTo: Date;
}

const MINUTE_MS = 60_000;

/**
 * The minutes of the window that the per-minute totals can answer, given the job's progress: the whole minutes from
 * the first after `since` (and not before retention deleted the totals) to the first not yet added. None when the
 * job has not added a minute yet, or has fallen behind (then every saga of the window is read live).
 */
export function statsSources(window: StatsWindow, progress: RollupProgress | null): StatsSources {
  const firstWholeMinute = Math.ceil(window.since.getTime() / MINUTE_MS) * MINUTE_MS;
  const rolledFrom = new Date(Math.max(firstWholeMinute, progress?.expired_before?.getTime() ?? -Infinity));
  if (progress === null || !progress.fresh || progress.rolled_until <= rolledFrom) {
    return { ...window, rolledFrom: window.since, rolledTo: window.since };
  }
  return { ...window, rolledFrom, rolledTo: progress.rolled_until };
}

/** $1 since, $2 name, $3 rolledFrom, $4 rolledTo. */
function values(sources: StatsSources): unknown[] {
  return [
    sources.since.toISOString(),
    sources.name,
    sources.rolledFrom.toISOString(),
    sources.rolledTo.toISOString(),
  ];
}

/**
 * The sagas of the window not in the per-minute totals: those started before the first whole minute, those started
 * after the last minute added, and those not terminal when their minute was added (or since moved on from
 * COMPENSATION_FAILED by an operator). Each branch is an index range.
 */
const LIVE_SAGAS = `live AS (
    SELECT name, version, status, created_at, updated_at, state->'steps' AS steps FROM saga_instances
    WHERE created_at >= $1 AND created_at < $3 AND ($2::text IS NULL OR name = $2)
    UNION ALL
    SELECT name, version, status, created_at, updated_at, state->'steps' AS steps FROM saga_instances
    WHERE created_at >= greatest($1::timestamptz, $4::timestamptz) AND ($2::text IS NULL OR name = $2)
    UNION ALL
    SELECT s.name, s.version, s.status, s.created_at, s.updated_at, s.state->'steps'
    FROM saga_stats_pending p JOIN saga_instances s ON s.id = p.saga_id
    WHERE p.created_at >= $3 AND p.created_at < $4 AND ($2::text IS NULL OR s.name = $2))`;

/** Rows of a per-minute table within the rolled-up minutes of the window. */
const rolled = (table: string, nameColumn = 'name') =>
  `${table} WHERE started_minute >= $3 AND started_minute < $4 AND ($2::text IS NULL OR ${nameColumn} = $2)`;

// A total an operator's resolution took back to zero is left in place; the statements leave such rows out.

/**
 * Sagas of the window counted per key: the live ones (`live`: each key's expression over them, `liveWhere`: which
 * count) and the totals (`rolled`: the keys' columns of saga_stats_minutes, or of `table`), added up.
 */
function countsPer(
  sources: StatsSources,
  spec: { keys: string[]; live: string[]; liveWhere?: string; rolled: string; table?: string },
): SqlStatement {
  const keys = spec.keys.join(', ');
  const live = spec.live.map((expression, index) => `${expression} AS ${spec.keys[index]}`).join(', ');
  const positions = spec.keys.map((_, index) => index + 1).join(', ');
  return {
    text: `WITH ${LIVE_SAGAS}
           SELECT ${keys}, sum(count)::int AS count FROM (
             SELECT ${live}, count(*) AS count FROM live
             ${spec.liveWhere === undefined ? '' : `WHERE ${spec.liveWhere}`} GROUP BY ${positions}
             UNION ALL
             SELECT ${spec.rolled}, count FROM ${rolled(spec.table ?? 'saga_stats_minutes')}) c
           GROUP BY ${positions} HAVING sum(count) <> 0 ORDER BY ${positions}`,
    values: values(sources),
  };
}

/** Sagas started in the window, per name, version and status. */
export function countByStatus(sources: StatsSources): SqlStatement {
  const keys = ['name', 'version', 'status'];
  return countsPer(sources, { keys, live: keys, rolled: keys.join(', ') });
}

/**
 * Sagas still running or compensating, and those waiting for an operator, whenever they started: per name, version
 * and status. An index-only scan of the status index (which includes name and version), so its cost follows how
 * many sagas are open, never how many have finished.
 */
export function countOpen(window: StatsWindow): SqlStatement {
  return {
    text: `SELECT name, version, status, count(*)::int AS count FROM saga_instances
           WHERE status IN ('RUNNING', 'COMPENSATING', 'SUSPENDED', 'COMPENSATION_FAILED')
             AND ($1::text IS NULL OR name = $1)
           GROUP BY name, version, status ORDER BY name, version, status`,
    values: [window.name],
  };
}

/** Sagas started per minute since the window's start. */
export function startedPerMinute(sources: StatsSources): SqlStatement {
  return countsPer(sources, {
    keys: ['minute'],
    live: [`date_trunc('minute', created_at)`],
    rolled: 'started_minute',
  });
}

/**
 * Finished sagas of the window (started in it), per minute of their last update. A terminal saga is never updated
 * again until an operator resolves it, so updated_at is its finishing time.
 */
export function finishedPerMinute(sources: StatsSources): SqlStatement {
  return countsPer(sources, {
    keys: ['minute'],
    live: [`date_trunc('minute', updated_at)`],
    liveWhere: `status IN ${TERMINAL}`,
    rolled: 'finished_minute',
  });
}

/** How long the finished sagas of the window took, as counts per duration bucket (duration-histogram.ts). */
export function durationBuckets(sources: StatsSources): SqlStatement {
  return countsPer(sources, {
    keys: ['bucket'],
    live: [durationBucketSql(FINISHED_MS('live'))],
    liveWhere: `status IN ${TERMINAL}`,
    rolled: 'bucket',
    table: 'saga_duration_minutes',
  });
}

/**
 * Per step of sagas started in the window: how often it ran, was skipped, failed (or ended unknown), was
 * compensated, and how often its compensation failed for good.
 */
export function stepOutcomes(sources: StatsSources): SqlStatement {
  return {
    text: `WITH ${LIVE_SAGAS}
           SELECT saga, step, sum(ran)::int AS ran, sum(skipped)::int AS skipped, sum(failed)::int AS failed,
                  sum(compensated)::int AS compensated, sum(compensation_failed)::int AS compensation_failed
           FROM (
             SELECT ${stepOutcomeColumns('1')} FROM live, jsonb_array_elements(live.steps) AS step
             GROUP BY 1, 2
             UNION ALL
             SELECT saga, step, ran, skipped, failed, compensated, compensation_failed
             FROM ${rolled('saga_step_stats_minutes', 'saga')}) c
           GROUP BY 1, 2 ORDER BY 1, 2`,
    values: values(sources),
  };
}

/**
 * The oldest unfinished saga, the running ones past their deadline and the suspended ones waiting for an operator
 * (status index: few rows).
 */
export function unfinished(window: StatsWindow): SqlStatement {
  return {
    text: `SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest_age_seconds,
                  count(*) FILTER (WHERE status = 'RUNNING'
                    AND (state->>'deadlineAt')::timestamptz < now())::int AS past_deadline,
                  count(*) FILTER (WHERE status = 'SUSPENDED')::int AS suspended
           FROM saga_instances
           WHERE status IN ('RUNNING', 'COMPENSATING', 'SUSPENDED') AND ($1::text IS NULL OR name = $1)`,
    values: [window.name],
  };
}
