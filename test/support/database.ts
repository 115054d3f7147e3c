import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, migrateDatabase } from '../../src/persistence/data-source';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file, so test files can run side by side and again. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `saga_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface MigratedDatabase {
  dataSource: DataSource;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/** A database of its own, migrated, with an engine data source (a pool of `poolSize`) opened on it. */
export async function createMigratedDatabase(poolSize: number): Promise<MigratedDatabase> {
  const database = await createTestDatabase();
  await ensureDatabase(database.url);
  const dataSource = await createDataSource(database.url, poolSize).initialize();
  await migrateDatabase(dataSource);
  return {
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
