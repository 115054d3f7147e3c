import type { ClientBase } from 'pg';
import { namedStatement } from '../persistence/named-sql';
import { EXPIRED_SAGAS } from '../persistence/retention-sql';
import { RETENTION_BATCH } from '../retention/retention-sweeper';

/** The schema of the partitioned copy: saga_events and processed_replies by day, saga_instances as it is. */
export const PARTITIONED = 'by_day';

const DAY_MS = 86_400_000;
const partitionName = (table: string, day: number) =>
  `${PARTITIONED}.${table}_d${String(day).padStart(3, '0')}`;

/**
 * The log and the processed replies partitioned by day from `start` (midnight) for `days` days and two more (for
 * rows written now, also after midnight). A partitioned table's primary key must hold its partition key, so the log's becomes
 * (saga_id, seq, at) and the replies' (message_id, processed_at): message_id alone is no longer unique.
 */
export async function createPartitionedTables(db: ClientBase, start: Date, days: number): Promise<void> {
  await db.query(`CREATE SCHEMA ${PARTITIONED}`);
  await db.query(
    `CREATE TABLE ${PARTITIONED}.saga_instances (LIKE public.saga_instances INCLUDING ALL) WITH (fillfactor = 70)`,
  );
  await db.query(`
    CREATE TABLE ${PARTITIONED}.saga_events (
      saga_id uuid NOT NULL, seq integer NOT NULL, type text NOT NULL, step text, data jsonb NOT NULL,
      at timestamptz NOT NULL, PRIMARY KEY (saga_id, seq, at)) PARTITION BY RANGE (at)`);
  await db.query(`
    CREATE TABLE ${PARTITIONED}.processed_replies (
      message_id text NOT NULL, saga_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, processed_at)) PARTITION BY RANGE (processed_at)`);
  for (let day = 0; day < days + 2; day += 1) {
    const from = new Date(start.getTime() + day * DAY_MS).toISOString();
    const to = new Date(start.getTime() + (day + 1) * DAY_MS).toISOString();
    for (const table of ['saga_events', 'processed_replies']) {
      await db.query(
        `CREATE TABLE ${partitionName(table, day)} PARTITION OF ${PARTITIONED}.${table}
         FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    }
  }
}

/**
 * Retention by partition: the first `days` days of the log and the replies are detached (CONCURRENTLY, so writers
 * of the parent table are not blocked) and dropped.
 */
export async function dropOldestPartitions(db: ClientBase, days: number): Promise<void> {
  for (let day = 0; day < days; day += 1) {
    for (const table of ['saga_events', 'processed_replies']) {
      await db.query(
        `ALTER TABLE ${PARTITIONED}.${table} DETACH PARTITION ${partitionName(table, day)} CONCURRENTLY`,
      );
      await db.query(`DROP TABLE ${partitionName(table, day)}`);
    }
  }
}

/** The sweep's choice of sagas, deleting the saga rows alone. */
const deleteExpiredSagaRows = namedStatement<{ cutoff: string; limit: number }>(
  `WITH expired AS MATERIALIZED (${EXPIRED_SAGAS})
   DELETE FROM saga_instances WHERE id = ANY (ARRAY(SELECT id FROM expired))`,
);

/**
 * With the log and replies dropped by partition, only saga rows are left to delete: the sweep's statement without
 * its child tables, batch by batch, on the partitioned copy's saga_instances. Returns the statements run.
 */
export async function deleteSagaRowsOnly(db: ClientBase, cutoff: Date): Promise<number> {
  await db.query(`SET search_path = ${PARTITIONED}, public`);
  try {
    let statements = 0;
    for (;;) {
      statements += 1;
      const { rowCount } = await db.query(
        deleteExpiredSagaRows({ cutoff: cutoff.toISOString(), limit: RETENTION_BATCH }),
      );
      if ((rowCount ?? 0) < RETENTION_BATCH) return statements;
    }
  } finally {
    await db.query('RESET search_path');
  }
}
