import type { SqlStatement } from './sql';

/** Dashboard statistics, one statement each; all read-only, none takes locks. */

export interface StatsWindow {
  since: Date;
  name: string | null;
}

/** Sagas started in the window, per name, version and status (created_at index range). */
export function countByStatus(window: StatsWindow): SqlStatement {
  return {
    text: `SELECT name, version, status, count(*)::int AS count FROM saga_instances
           WHERE created_at >= $1 AND ($2::text IS NULL OR name = $2)
           GROUP BY name, version, status ORDER BY name, version, status`,
    values: [window.since.toISOString(), window.name],
  };
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

/** Sagas started per minute since the window's start (created_at index range). */
export function startedPerMinute(window: StatsWindow): SqlStatement {
  return {
    text: `SELECT date_trunc('minute', created_at) AS minute, count(*)::int AS count FROM saga_instances
           WHERE created_at >= $1 AND ($2::text IS NULL OR name = $2) GROUP BY 1 ORDER BY 1`,
    values: [window.since.toISOString(), window.name],
  };
}

/**
 * Finished sagas of the window (started in it): per minute of their last update, and duration percentiles.
 * A terminal saga is never updated again, so updated_at is its finishing time.
 */
export function finishedInWindow(window: StatsWindow): SqlStatement {
  return {
    text: `WITH finished AS (
             SELECT updated_at, EXTRACT(EPOCH FROM updated_at - created_at) * 1000 AS ms FROM saga_instances
             WHERE created_at >= $1 AND ($2::text IS NULL OR name = $2)
               AND status IN ('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'))
           SELECT (SELECT coalesce(json_agg(m ORDER BY m.minute), '[]'::json) FROM (
                     SELECT date_trunc('minute', updated_at) AS minute, count(*)::int AS count
                     FROM finished GROUP BY 1) m) AS per_minute,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
                  count(*)::int AS count
           FROM finished`,
    values: [window.since.toISOString(), window.name],
  };
}

/**
 * Per step of sagas started in the window: how often it ran, was skipped, failed (or ended unknown), was
 * compensated, and how often its compensation failed for good.
 */
export function stepOutcomes(window: StatsWindow): SqlStatement {
  return {
    text: `SELECT s.name AS saga, step->>'name' AS step,
                  count(*) FILTER (WHERE step->>'status' NOT IN ('PENDING', 'SKIPPED'))::int AS ran,
                  count(*) FILTER (WHERE step->>'status' = 'SKIPPED')::int AS skipped,
                  count(*) FILTER (WHERE step->>'status' IN ('FAILED', 'UNKNOWN'))::int AS failed,
                  count(*) FILTER (WHERE jsonb_typeof(step->'compensation') = 'object')::int AS compensated,
                  count(*) FILTER (WHERE step->'compensation'->>'status' = 'FAILED')::int AS compensation_failed
           FROM saga_instances s, jsonb_array_elements(s.state->'steps') AS step
           WHERE s.created_at >= $1 AND ($2::text IS NULL OR s.name = $2)
           GROUP BY 1, 2 ORDER BY 1, 2`,
    values: [window.since.toISOString(), window.name],
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
