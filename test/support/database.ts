import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, migrateDatabase } from '../../src/persistence/data-source';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A database of its own for one test file, so test files can run side by side and again. Each helper below
 * prepares it a little further; `drop` closes what the helper opened on it and drops it.
 */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A name and URL nobody else uses, not created yet: the engine under test creates it when it starts. */
export function reserveTestDatabase(): TestDatabase {
  const name = `saga_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropDatabase(name) };
}

export interface EmptyDatabase extends TestDatabase {
  /** A pool on the database (at most 10 connections). */
  pool: Pool;
}

/** The database created and empty (no migrations), with a pool on it. */
export async function createEmptyDatabase(): Promise<EmptyDatabase> {
  const database = reserveTestDatabase();
  await ensureDatabase(database.url);
  const pool = new Pool({ connectionString: database.url, max: 10 });
  pool.on('error', () => undefined);
  return {
    ...database,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await database.drop();
    },
  };
}

export interface MigratedDatabase extends TestDatabase {
  /** An engine data source on the database. */
  dataSource: DataSource;
}

/** The database created and migrated, with an engine data source (a pool of `poolSize`) on it. */
export async function createMigratedDatabase(poolSize: number): Promise<MigratedDatabase> {
  const database = reserveTestDatabase();
  await ensureDatabase(database.url);
  const dataSource = await createDataSource(database.url, poolSize).initialize();
  await migrateDatabase(dataSource);
  return {
    ...database,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
