import type { DataSource, QueryRunner } from 'typeorm';

/** A parameterised statement: values are never spliced into the text. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** A connection that runs statements, inside a transaction or not. */
export interface Db {
  query<Row = Record<string, unknown>>(statement: SqlStatement): Promise<SqlResult<Row>>;
}

function wrap(runner: QueryRunner): Db {
  return {
    async query<Row>(statement: SqlStatement): Promise<SqlResult<Row>> {
      const result = await runner.query(statement.text, statement.values, true);
      return {
        rows: (result.records ?? []) as Row[],
        rowCount: result.affected ?? result.records?.length ?? 0,
      };
    },
  };
}

export async function inTransaction<T>(dataSource: DataSource, work: (db: Db) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      const result = await work(wrap(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    }
  } finally {
    await runner.release();
  }
}

export async function runQuery<Row = Record<string, unknown>>(
  dataSource: DataSource,
  statement: SqlStatement,
): Promise<SqlResult<Row>> {
  const runner = dataSource.createQueryRunner();
  try {
    return await wrap(runner).query<Row>(statement);
  } finally {
    await runner.release();
  }
}
