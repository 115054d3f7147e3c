import { Client, Pool } from 'pg';
import { createTestDatabase } from './database';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface SdkTestDatabase {
  url: string;
  /** A pool on the database, for the test and the idempotency store. */
  pool: Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one SDK test file (created here: no migrations, no engine). */
export async function createSdkDatabase(): Promise<SdkTestDatabase> {
  const database = await createTestDatabase();
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.name}"`);
  } finally {
    await admin.end();
  }
  const pool = new Pool({ connectionString: database.url, max: 10 });
  pool.on('error', () => undefined);
  return {
    url: database.url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await database.drop();
    },
  };
}
