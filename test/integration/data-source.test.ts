import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase } from '../../src/persistence/data-source';
import { runQuery } from '../../src/persistence/sql';
import { type TestDatabase, reserveTestDatabase } from '../support/database';

describe('engine database sessions', () => {
  let database: TestDatabase;
  const opened: DataSource[] = [];

  beforeAll(async () => {
    database = reserveTestDatabase();
    await ensureDatabase(database.url);
  });

  afterAll(async () => {
    await Promise.all(opened.map((dataSource) => dataSource.destroy()));
    await database?.drop();
  });

  async function open(url: string): Promise<DataSource> {
    const dataSource = await createDataSource(url, 2).initialize();
    opened.push(dataSource);
    return dataSource;
  }

  async function setting(dataSource: DataSource, name: string): Promise<string> {
    const { rows } = await runQuery<{ value: string }>(dataSource, {
      text: 'SELECT current_setting($1) AS value',
      values: [name],
    });
    return rows[0]!.value;
  }

  it('keep the settings PGOPTIONS gives when DATABASE_URL gives none', async () => {
    const before = process.env.PGOPTIONS;
    process.env.PGOPTIONS = '-c statement_timeout=23456';
    try {
      const dataSource = await open(database.url);
      expect(await setting(dataSource, 'statement_timeout')).toBe('23456ms');
      expect(await setting(dataSource, 'plan_cache_mode')).toBe('force_generic_plan');
    } finally {
      if (before === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = before;
    }
  });

  it('plan each named statement once per connection, and keep the settings DATABASE_URL gives', async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c statement_timeout=12345');
    const dataSource = await open(url.toString());

    expect(await setting(dataSource, 'plan_cache_mode')).toBe('force_generic_plan');
    expect(await setting(dataSource, 'statement_timeout')).toBe('12345ms');

    const statement = { name: 'plan-once', text: 'SELECT $1::int + 1 AS n', values: [1] };
    const client = await (dataSource.driver as unknown as { master: import('pg').Pool }).master.connect();
    try {
      for (let n = 0; n < 3; n++) await client.query(statement);
      const { rows } = await client.query<{ generic_plans: string; custom_plans: string }>(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'plan-once'`,
      );
      expect(rows).toEqual([{ generic_plans: '3', custom_plans: '0' }]);
    } finally {
      client.release();
    }
  });
});
