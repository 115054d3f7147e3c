import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the retention sweep (src/retention) needs to find and delete finished sagas without scanning a table.
 * - processed_replies is keyed by message_id and has no foreign key to its saga, so deleting a saga's replies by
 *   saga_id needs an index on it. It is built CONCURRENTLY (outside a transaction): on a table of millions of
 *   replies a plain build would hold up every reply commit of the engine processes still running during a deploy.
 *   A build that failed half-way leaves an invalid index, dropped here before building again.
 * - saga_events and saga_timers are found by their primary keys, which start with saga_id.
 * - saga_instances needs no new index. Expired sagas are found through (status, created_at): a saga finishes after
 *   it starts, so one that finished before the cut-off also started before it. An index on updated_at, even a
 *   partial one on finished statuses, would cost every step: updated_at changes on each step, and a change to a
 *   column any index names (in its key or its WHERE clause) rules out the HOT update that now touches no index of
 *   the table (checked on PostgreSQL 15: with such an index no update stayed HOT).
 * - dead_letters are found through (received_at DESC, id DESC), which exists.
 */
export class RetentionIndexes1764600000000 implements MigrationInterface {
  name = 'RetentionIndexes1764600000000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    const invalid = (await db.query(`
      SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname = 'processed_replies_saga_idx' AND NOT i.indisvalid`)) as unknown[];
    if (invalid.length > 0) await db.query(`DROP INDEX CONCURRENTLY processed_replies_saga_idx`);
    await db.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS processed_replies_saga_idx ON processed_replies (saga_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS processed_replies_saga_idx`);
  }
}
