import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Storage settings for the tables every step writes.
 * - saga_instances: free space on each page lets an update that changes no indexed column (most steps) stay on
 *   its page (a HOT update) instead of adding an entry to each of the table's seven indexes.
 * - outbox and saga_timers: every row is deleted soon after it is inserted; vacuuming after a fixed number of dead
 *   rows, not a fraction of the table, keeps their indexes from filling with dead entries.
 */
export class HotPathStorage1764300000000 implements MigrationInterface {
  name = 'HotPathStorage1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE saga_instances SET (fillfactor = 70)`);
    for (const table of ['outbox', 'saga_timers']) {
      await db.query(
        `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000)`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE saga_instances RESET (fillfactor)`);
    for (const table of ['outbox', 'saga_timers']) {
      await db.query(
        `ALTER TABLE ${table} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`,
      );
    }
  }
}
