import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns and indexes behind the dashboard's saga list filters (newest first, keyset pagination). */
export class DashboardIndexes1764100000000 implements MigrationInterface {
  name = 'DashboardIndexes1764100000000';

  async up(db: QueryRunner): Promise<void> {
    // The step whose failure (or the deadline, or an abort) started compensation; null otherwise.
    await db.query(`ALTER TABLE saga_instances ADD COLUMN IF NOT EXISTS failing_step text`);
    await db.query(`UPDATE saga_instances SET failing_step = state->'compensationCause'->>'step'
                    WHERE failing_step IS NULL AND state->'compensationCause' IS NOT NULL
                      AND jsonb_typeof(state->'compensationCause') = 'object'`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS saga_instances_correlation_idx ON saga_instances (correlation_id, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX IF NOT EXISTS saga_instances_failing_step_idx ON saga_instances (failing_step, created_at DESC, id DESC)
       WHERE failing_step IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX IF NOT EXISTS saga_instances_name_version_created_idx
       ON saga_instances (name, version, created_at DESC, id DESC)`,
    );
    await db.query(`DROP INDEX IF EXISTS saga_instances_name_created_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX saga_instances_name_created_idx ON saga_instances (name, created_at DESC, id DESC)`,
    );
    await db.query(`DROP INDEX saga_instances_name_version_created_idx`);
    await db.query(`DROP INDEX saga_instances_failing_step_idx`);
    await db.query(`DROP INDEX saga_instances_correlation_idx`);
    await db.query(`ALTER TABLE saga_instances DROP COLUMN failing_step`);
  }
}
