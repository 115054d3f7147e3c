// Depends on pg alone: the participant SDK shares it.
import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on a client of its own. While checked out, a client whose connection dies emits `error`, which
 * would crash the process without a listener; the failing query rejects anyway. A client that failed is discarded.
 * `connectionFailed` tells errors of the connection from errors of the work; by default, any error without a
 * SQLSTATE counts as the connection's.
 */
export async function withPgClient<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  connectionFailed: (error: unknown) => boolean = hasNoSqlState,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    if (connectionFailed(error)) broken = error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * BEGIN … COMMIT on a client of its own; ROLLBACK when `work` throws. The client is discarded only when BEGIN,
 * COMMIT or ROLLBACK fails: an error of the work (a participant's business error, say) leaves it usable.
 */
export function pgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const unusable = new WeakSet<object>();
  const markUnusable = (error: unknown): never => {
    if (typeof error === 'object' && error !== null) unusable.add(error);
    throw error;
  };
  return withPgClient(
    pool,
    async (client) => {
      await client.query('BEGIN').catch(markUnusable);
      let result: T;
      try {
        result = await work(client);
      } catch (error) {
        await client
          .query('ROLLBACK')
          .catch((rollback: unknown) =>
            markUnusable(new AggregateError([error, rollback], (error as Error).message)),
          );
        throw error;
      }
      await client.query('COMMIT').catch(markUnusable);
      return result;
    },
    (error) => typeof error === 'object' && error !== null && unusable.has(error),
  );
}

/** Errors without a SQLSTATE come from the connection itself, not from the statement. */
function hasNoSqlState(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code !== 'string';
}
