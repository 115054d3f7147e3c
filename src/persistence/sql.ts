import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { pgTransaction, withPgClient } from 'saga-orchestrator-sdk/internal/shared/pg-transaction';
import { DependencyUnavailableError } from '../core/errors';

/** A parameterised statement: values are never spliced into the text. */
export interface SqlStatement {
  text: string;
  values: unknown[];
  /** Names a statement of fixed text so each connection parses and plans it once. */
  name?: string;
}

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** A connection that runs statements, inside a transaction or not. */
export interface Db {
  query<Row = Record<string, unknown>>(statement: SqlStatement): Promise<SqlResult<Row>>;
}

/**
 * The pg pool TypeORM opened for the data source. Statements go to it directly: the hot path needs named
 * (prepared) statements, which TypeORM's query runner cannot send, and none of its per-query bookkeeping.
 */
function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (pool === undefined) throw new DependencyUnavailableError('the database connection is not open');
  return pool;
}

function wrap(client: PoolClient): Db {
  return {
    async query<Row>(statement: SqlStatement): Promise<SqlResult<Row>> {
      const result = await client.query({
        text: statement.text,
        values: statement.values,
        ...(statement.name === undefined ? {} : { name: statement.name }),
      });
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export function inTransaction<T>(dataSource: DataSource, work: (db: Db) => Promise<T>): Promise<T> {
  return pgTransaction(poolOf(dataSource), (client) => work(wrap(client)));
}

export function runQuery<Row = Record<string, unknown>>(
  dataSource: DataSource,
  statement: SqlStatement,
): Promise<SqlResult<Row>> {
  return withPgClient(poolOf(dataSource), (client) => wrap(client).query<Row>(statement));
}

/**
 * Runs `work` on one connection of the pool, for what must share a session (a session-level advisory lock and the
 * statements it guards). With `discardOnError`, a failure closes the connection instead of returning it to the
 * pool, so nothing the session held outlives the failure.
 */
export function onOneConnection<T>(
  dataSource: DataSource,
  work: (db: Db) => Promise<T>,
  options: { discardOnError: boolean },
): Promise<T> {
  return withPgClient(
    poolOf(dataSource),
    (client) => work(wrap(client)),
    options.discardOnError ? () => true : undefined,
  );
}

/**
 * Runs read-only statements on one connection, in one snapshot, each planned for its values. Engine sessions plan
 * once for all values (src/persistence/data-source.ts), which suits the hot path's point lookups; for a range such
 * as `created_at >= $1` a plan without the value assumes a third of the table and scans all of it, on ten million
 * sagas for seconds. One connection, too, so a dashboard read never takes the pool from the hot path.
 */
export function readSnapshot<T>(dataSource: DataSource, work: (db: Db) => Promise<T>): Promise<T> {
  return inSnapshot(dataSource, 'READ ONLY', work);
}

/** As readSnapshot, for statements that also write what they read (the statistics' per-minute totals). */
export function writeInSnapshot<T>(dataSource: DataSource, work: (db: Db) => Promise<T>): Promise<T> {
  return inSnapshot(dataSource, 'READ WRITE', work);
}

function inSnapshot<T>(
  dataSource: DataSource,
  access: 'READ ONLY' | 'READ WRITE',
  work: (db: Db) => Promise<T>,
): Promise<T> {
  return pgTransaction(poolOf(dataSource), async (client) => {
    await client.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, ${access}`);
    await client.query('SET LOCAL plan_cache_mode = force_custom_plan');
    return work(wrap(client));
  });
}
