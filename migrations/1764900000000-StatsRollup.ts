import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-minute totals of finished sagas, so the dashboard statistics of a long window read a few rows per minute
 * instead of every saga started in it. A background job (src/observability/stats-rollup.ts) adds each minute once
 * it has passed; a saga still open then is kept in `saga_stats_pending` and added to its minute when it finishes.
 * `saga_stats_compensation_failed` remembers what each COMPENSATION_FAILED saga added, to take it back if an
 * operator moves the saga on. `saga_stats_progress` (one row) holds the start of the first minute not yet added,
 * and of the first minute whose totals retention has not deleted.
 */
export class StatsRollup1764900000000 implements MigrationInterface {
  name = 'StatsRollup1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE saga_stats_minutes (
        started_minute  timestamptz NOT NULL,
        finished_minute timestamptz NOT NULL,
        name            text        NOT NULL,
        version         integer     NOT NULL,
        status          text        NOT NULL,
        count           integer     NOT NULL,
        PRIMARY KEY (started_minute, name, version, status, finished_minute)
      )`);
    await db.query(`
      CREATE TABLE saga_duration_minutes (
        started_minute timestamptz NOT NULL,
        name           text        NOT NULL,
        bucket         smallint    NOT NULL,
        count          integer     NOT NULL,
        PRIMARY KEY (started_minute, name, bucket)
      )`);
    await db.query(`
      CREATE TABLE saga_step_stats_minutes (
        started_minute      timestamptz NOT NULL,
        saga                text        NOT NULL,
        step                text        NOT NULL,
        ran                 integer     NOT NULL,
        skipped             integer     NOT NULL,
        failed              integer     NOT NULL,
        compensated         integer     NOT NULL,
        compensation_failed integer     NOT NULL,
        PRIMARY KEY (started_minute, saga, step)
      )`);
    await db.query(`
      CREATE TABLE saga_stats_pending (
        saga_id    uuid        PRIMARY KEY REFERENCES saga_instances (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX saga_stats_pending_created_idx ON saga_stats_pending (created_at)`);
    await db.query(`
      CREATE TABLE saga_stats_compensation_failed (
        saga_id    uuid        PRIMARY KEY REFERENCES saga_instances (id) ON DELETE CASCADE,
        name       text        NOT NULL,
        version    integer     NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        steps      jsonb       NOT NULL
      )`);
    await db.query(`
      CREATE TABLE saga_stats_progress (
        only_row       boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
        rolled_until   timestamptz NOT NULL,
        expired_before timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'saga_stats_progress',
      'saga_stats_compensation_failed',
      'saga_stats_pending',
      'saga_step_stats_minutes',
      'saga_duration_minutes',
      'saga_stats_minutes',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
