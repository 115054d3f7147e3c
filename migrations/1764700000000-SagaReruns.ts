import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An operator may rerun a terminal saga as a new one: the new saga names the old in `rerun_of`, and the old one
 * lists its reruns through the index (few sagas are reruns, so it holds only those).
 */
export class SagaReruns1764700000000 implements MigrationInterface {
  name = 'SagaReruns1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE saga_instances ADD COLUMN rerun_of uuid`);
    await db.query(
      `CREATE INDEX saga_instances_rerun_of_idx ON saga_instances (rerun_of, created_at) WHERE rerun_of IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS saga_instances_rerun_of_idx`);
    await db.query(`ALTER TABLE saga_instances DROP COLUMN IF EXISTS rerun_of`);
  }
}
