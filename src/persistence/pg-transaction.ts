// Depends on pg alone: the participant SDK shares it.
import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on a client of its own. While checked out, a client whose connection dies emits `error`, which
 * would crash the process without a listener; the failing query rejects anyway. A client that failed is discarded.
 */
export async function withPgClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** BEGIN … COMMIT on a client of its own; ROLLBACK when `work` throws. */
export function pgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withPgClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: Error) => {
        throw new AggregateError([error, rollback], (error as Error).message);
      });
      throw error;
    }
  });
}

/** Errors without a SQLSTATE come from the connection itself, not from the statement. */
function isConnectionError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code !== 'string';
}
