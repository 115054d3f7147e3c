import type { DataSource } from 'typeorm';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { HotTableVacuum } from '../../src/persistence/hot-table-vacuum';
import { runQuery } from '../../src/persistence/sql';
import { type MigratedDatabase, createMigratedDatabase } from '../support/database';

describe('vacuuming the tables the hot path updates', () => {
  let database: MigratedDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase(2);
    dataSource = database.dataSource;
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function tableStats(table: string) {
    const { rows } = await runQuery<{ dead: string; vacuums: string }>(dataSource, {
      text: `SELECT n_dead_tup AS dead, vacuum_count AS vacuums FROM pg_stat_user_tables WHERE relname = $1`,
      values: [table],
    });
    return { dead: Number(rows[0]!.dead), vacuums: Number(rows[0]!.vacuums) };
  }

  it('stores saga rows with free space on each page and their state compressed with lz4 where the server has it', async () => {
    const { rows } = await runQuery<{ options: string[]; compression: string }>(dataSource, {
      text: `SELECT c.reloptions AS options, a.attcompression AS compression
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'state'
             WHERE c.relname = 'saga_instances'`,
      values: [],
    });
    // lz4 ('l') where the server is built with it; the migration leaves the default (pglz) on one without it.
    const lz4 = await runQuery(dataSource, {
      text: 'CREATE TEMP TABLE lz4_probe (value jsonb COMPRESSION lz4)',
      values: [],
    }).then(
      () => true,
      (error: { code?: string }) => (error.code === '0A000' ? false : Promise.reject(error as Error)),
    );
    expect(rows).toEqual([{ options: ['fillfactor=70'], compression: lz4 ? 'l' : '' }]);
  });

  it('removes the dead rows that published commands leave behind, whether or not autovacuum runs', async () => {
    await runQuery(dataSource, {
      text: `INSERT INTO outbox (saga_id, message_id, exchange, routing_key, headers, body, lease_until)
             SELECT gen_random_uuid(), 'm-' || g, 'sagas.commands', 'inventory', '{}', '{}', now()
             FROM generate_series(1, 500) g`,
      values: [],
    });
    await runQuery(dataSource, { text: `DELETE FROM outbox`, values: [] });
    const before = await tableStats('outbox');

    const vacuum = new HotTableVacuum(dataSource, silentLogger);
    await vacuum.vacuum(false);

    const after = await tableStats('outbox');
    expect(after.vacuums).toBe(before.vacuums + 1);
    expect(after.dead).toBe(0);
    expect((await tableStats('saga_timers')).vacuums).toBe(1);
    expect((await tableStats('saga_instances')).vacuums).toBe(0);

    await vacuum.vacuum(true);
    expect((await tableStats('saga_instances')).vacuums).toBe(1);
  });
});
