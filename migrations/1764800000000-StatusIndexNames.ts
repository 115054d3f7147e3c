import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The status index carries each saga's name and version, so the statistics count open sagas per definition with an
 * index-only scan instead of visiting a row per saga (which, with many COMPENSATION_FAILED sagas kept for an
 * operator, grows with the table). Name and version never change, so steps stay HOT updates.
 *
 * Built CONCURRENTLY, like the retention indexes, so engine processes still running during a deploy keep writing;
 * a build that failed half-way leaves an invalid index, dropped here before building again.
 */
export class StatusIndexNames1764800000000 implements MigrationInterface {
  name = 'StatusIndexNames1764800000000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    await dropIfInvalid(db, 'saga_instances_status_idx');
    await db.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS saga_instances_status_idx
       ON saga_instances (status, created_at DESC, id DESC) INCLUDE (name, version)`,
    );
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS saga_instances_status_created_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropIfInvalid(db, 'saga_instances_status_created_idx');
    await db.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS saga_instances_status_created_idx
       ON saga_instances (status, created_at DESC, id DESC)`,
    );
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS saga_instances_status_idx`);
  }
}

async function dropIfInvalid(db: QueryRunner, index: string): Promise<void> {
  const invalid = (await db.query(
    `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid`,
    [index],
  )) as unknown[];
  if (invalid.length > 0) await db.query(`DROP INDEX CONCURRENTLY ${index}`);
}
