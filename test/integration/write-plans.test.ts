import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, migrateDatabase } from '../../src/persistence/data-source';
import { readSagasForReplies } from '../../src/persistence/saga-sql';
import { updateSagas } from '../../src/persistence/saga-write-sql';
import type { SqlStatement } from '../../src/persistence/sql';
import { type TestDatabase, createTestDatabase } from '../support/database';

/**
 * Each connection plans the hot path's statements once, often while the tables are still nearly empty. Those
 * plans must look each saga up by its key: a scan planned for an empty table would read every saga on every
 * write as the table grows, for as long as the connection keeps the plan.
 */
describe('hot path statements planned on empty tables', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureDatabase(database.url);
    dataSource = await createDataSource(database.url, 2).initialize();
    await migrateDatabase(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** The plan the engine's session makes for `statement`, given parameter types and literal arguments. */
  async function genericPlan(statement: SqlStatement, types: string[], args: string[]): Promise<string> {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    try {
      await client.query(`PREPARE planned (${types.join(', ')}) AS ${statement.text}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE planned (${args.join(', ')})`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await client.query('DEALLOCATE ALL');
      client.release();
    }
  }

  it('the saga write reads and updates saga rows through the primary key only', async () => {
    const statement = updateSagas([], [], 1000);
    expect(statement.values).toHaveLength(10);
    const types = [
      'integer',
      'bigint[]',
      'jsonb',
      'jsonb',
      'uuid[]',
      'jsonb',
      'jsonb',
      'jsonb',
      'jsonb',
      'uuid[]',
    ];
    const args = ['1000', "'{}'", "'[]'", "'[]'", "'{}'", "'[]'", "'[]'", "'[]'", "'[]'", "'{}'"];

    const plan = await genericPlan(statement, types, args);

    expect(plan).not.toMatch(/Seq Scan on saga_instances/);
    expect(plan.match(/Index Scan using saga_instances_pkey/g)).toHaveLength(2);
  });

  it('the read of sagas for replies looks each saga up by its key', async () => {
    const plan = await genericPlan(readSagasForReplies([], []), ['uuid[]', 'text[]'], ["'{}'", "'{}'"]);

    expect(plan).not.toMatch(/Seq Scan on saga_instances/);
    expect(plan).toMatch(/Index Scan using saga_instances_pkey/);
  });
});
