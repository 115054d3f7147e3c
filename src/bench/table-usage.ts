import type { ClientBase, Pool } from 'pg';

export type Queryable = Pick<ClientBase, 'query'> | Pick<Pool, 'query'>;

/**
 * Bytes of each table with its indexes and TOAST (pg_total_relation_size), summed over its partitions when it
 * has any; 0 for a table that is not there.
 */
export async function tableBytes(db: Queryable, tables: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; bytes: string }>(
    `SELECT name,
            CASE WHEN c.relkind = 'p'
                 THEN (SELECT sum(pg_total_relation_size(tree.relid)) FROM pg_partition_tree(c.oid) tree)
                 ELSE coalesce(pg_total_relation_size(c.oid), 0) END AS bytes
     FROM unnest($1::text[]) name LEFT JOIN pg_class c ON c.oid = to_regclass(name)`,
    [tables],
  );
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]));
}

export const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/**
 * What a piece of work cost: wall time and the WAL PostgreSQL wrote meanwhile. The WAL position belongs to the
 * whole server, so anything else writing at the same time counts too.
 */
export async function measured<T>(
  db: Queryable,
  work: () => Promise<T>,
): Promise<{ result: T; seconds: number; walBytes: number }> {
  const walAt = async () =>
    (await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn() AS lsn')).rows[0]!.lsn;
  const before = await walAt();
  const began = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const after = await walAt();
  const { rows } = await db.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($1, $2) AS bytes', [
    after,
    before,
  ]);
  return { result, seconds, walBytes: Number(rows[0]!.bytes) };
}

/** Dead rows and free space of a table, in percent of its size, from pgstattuple_approx. */
export async function tableSpace(
  db: Queryable,
  table: string,
): Promise<{ deadPercent: number; freePercent: number }> {
  const { rows } = await db.query<{ dead: number; free: number }>(
    `SELECT dead_tuple_percent AS dead, approx_free_percent AS free FROM pgstattuple_approx($1::regclass)`,
    [table],
  );
  return { deadPercent: rows[0]!.dead, freePercent: rows[0]!.free };
}
