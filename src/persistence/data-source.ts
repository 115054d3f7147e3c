import { Client, type ClientBase } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { migrations } from '../../migrations';
import { type DatabaseSessions, pooledSessions } from '../config/database-sessions';
import { entities } from './entities';

/**
 * Every statement the engine sends has a fixed shape, and the hot path's are named (prepared once per
 * connection). PostgreSQL's default plan cache mode plans such a statement again on each execution whenever its
 * cached plan looks costlier than the average fresh one; for the saga write that kept happening after each vacuum
 * updated the table statistics, and planning the write took as much CPU as running it. Plans are therefore made
 * once per connection. The dashboard's queries, planned without their values, kept their plans (checked on a
 * skewed table of 300,000 sagas).
 *
 * JIT compilation is off: the engine's statements are short, and on a table of millions of sagas a generic plan's
 * estimated cost passes jit_above_cost, so the statistics queries spent about half a second each compiling
 * expressions they then ran for less than that.
 *
 * Set on each new connection, so DATABASE_URL's `options` and PGOPTIONS still apply as given.
 */
function configureSession(client: ClientBase): Promise<unknown> {
  return client.query('SET plan_cache_mode = force_generic_plan; SET jit = off');
}

/**
 * With one session: one connection, kept open (no idle timeout). Should it be replaced after all (a failed
 * statement discards it), the session still holds the old connection's prepared statements, so a new connection
 * deallocates them before its own named statements are prepared.
 */
function singleSessionOptions(): Record<string, unknown> {
  return {
    max: 1,
    idleTimeoutMillis: 0,
    onConnect: async (client: ClientBase) => {
      await client.query('DEALLOCATE ALL');
      await configureSession(client);
    },
  };
}

export function dataSourceOptions(
  databaseUrl: string,
  sessions: DatabaseSessions = pooledSessions(),
): DataSourceOptions {
  const pool =
    sessions.kind === 'pool' ? { max: sessions.size, onConnect: configureSession } : singleSessionOptions();
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: { application_name: 'saga-orchestrator', ...pool },
  };
}

export function createDataSource(databaseUrl: string, poolSize = 10): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, pooledSessions(poolSize)));
}

/**
 * The engine's database, ready: created if missing, connected, migrated (under an advisory lock, so engine
 * processes starting together take turns).
 */
export async function openDatabase(
  databaseUrl: string,
  logger: Logger,
  sessions: DatabaseSessions = pooledSessions(),
): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl, sessions)).initialize();
  try {
    // One session is one process: nobody else migrates, and the lock would need a second connection.
    const applied = await migrateDatabase(dataSource, { lock: sessions.kind === 'pool' });
    if (applied.length > 0) logger.info('migrations applied', { migrations: applied });
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** Creates the database named in the URL when it does not exist (connects to the `postgres` database for it). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database === 'postgres') {
    return;
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: unknown) => {
        // Another engine process starting at the same moment created it first.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK_ID = 728_100_417;

/** Runs pending migrations; an advisory lock makes engine processes that start together take turns. The lock holds one
 * pool connection while the migrations run on another, so the pool needs at least two (`lock: false` for one). */
export async function migrateDatabase(
  dataSource: DataSource,
  options: { lock: boolean } = { lock: true },
): Promise<string[]> {
  if (!options.lock) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.release();
  }
}
