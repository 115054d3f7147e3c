import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrateDatabase } from '../persistence/data-source';
import {
  type DeletedRows,
  expireSagas,
  noDeletedRows,
  retentionCutoff,
  retentionTables,
  vacuumAfterRetention,
} from '../persistence/retention-sql';
import { onOneConnection } from '../persistence/sql';
import { RETENTION_BATCH } from '../retention/retention-sweeper';
import {
  type GeneratedSagas,
  insertFinishedSagas,
  insertProcessedReplies,
  insertSagaLog,
} from './generated-sagas';
import { logInsertRate, replyLookupRate } from './log-write-rates';
import {
  PARTITIONED,
  createPartitionedTables,
  deleteSagaRowsOnly,
  dropOldestPartitions,
} from './partitioned-log';
import { mib, measured, tableBytes, tableSpace } from './table-usage';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'sagas_retention_measure';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const DAY_MS = 86_400_000;

/** 10 million log rows, 10 per saga. */
export const RETENTION_MEASURE_SAGAS = 1_000_000;
const LOG_ROWS_PER_SAGA = 10;
const REPLIES_PER_SAGA = 4;
/** The sagas are spread evenly over this many days, and the oldest tenth is past retention. */
const DAYS = 100;
const EXPIRED_DAYS = 10;
const INSERT_STATEMENTS = 20_000;
const LOOKUP_STATEMENTS = 5_000;
const RATE_CLIENTS = 8;
const RATE_ROUNDS = 3;

const TABLES = ['saga_instances', 'saga_events', 'processed_replies'] as const;
const inSchema = (schema: string) => TABLES.map((table) => `${schema}.${table}`);

type Write = (line: string) => void;

/**
 * Retention on a log of 10 million rows: the sweep's batched DELETE against the same tables partitioned by day,
 * where retention detaches and drops whole partitions, and what partitioning costs the hot path. Runs in a scratch
 * database it creates and drops.
 */
export async function runRetentionMeasure(write: Write, sagas = RETENTION_MEASURE_SAGAS): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const dataSource = await createDataSource(DATABASE_URL, 4).initialize();
  const db = new Client({ connectionString: DATABASE_URL });
  try {
    await migrateDatabase(dataSource);
    await db.connect();
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const start = new Date(today.getTime() - DAYS * DAY_MS);
    const cutoff = retentionCutoff(today, (DAYS - EXPIRED_DAYS) * DAY_MS);
    await fill(db, { first: 1, count: sagas, start, spacingMs: (DAYS * DAY_MS) / sagas }, write);

    const sizes = await tableBytes(db, [...inSchema('public'), ...inSchema(PARTITIONED)]);
    write(`\nsizes after loading (MiB, with indexes): ${formatSizes(sizes)}\n`);
    write(
      `plan of the sweep's statement (generic, as the engine runs it):\n${await sweepPlan(db, cutoff)}\n`,
    );

    const rows = await measureRowDeletes(db, dataSource, cutoff, write);
    const partitions = await measurePartitionDrops(db, cutoff, write);
    const hotPath = await measureHotPath(db, write);
    write('\nsummary\n');
    write(`  rows:       ${rows}\n  partitions: ${partitions}\n  hot path:   ${hotPath}\n`);
  } finally {
    await db.end().catch(() => undefined);
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  }
}

/** The same sagas, log and replies in the plain tables and in the partitioned copy. */
async function fill(db: Client, sagas: GeneratedSagas, write: Write): Promise<void> {
  await db.query('CREATE EXTENSION pgstattuple');
  await db.query(
    `INSERT INTO saga_definitions (name, version, document, fingerprint) VALUES ('order-fulfillment', 1, '{}', '-')`,
  );
  await createPartitionedTables(db, sagas.start, DAYS);
  // Loading only: foreign keys are not checked row by row (the rows are consistent by construction).
  await db.query('SET session_replication_role = replica');
  for (const schema of ['public', PARTITIONED]) {
    await db.query(`SET search_path = ${schema}, public`);
    const timed = async (what: string, work: () => Promise<void>) => {
      const began = Date.now();
      await work();
      write(`${schema}: ${what} in ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    };
    await timed(`${sagas.count} sagas`, () => insertFinishedSagas(db, sagas));
    await timed(`${sagas.count * LOG_ROWS_PER_SAGA} log rows`, () =>
      insertSagaLog(db, sagas, LOG_ROWS_PER_SAGA),
    );
    await timed(`${sagas.count * REPLIES_PER_SAGA} processed replies`, () =>
      insertProcessedReplies(db, sagas, REPLIES_PER_SAGA),
    );
  }
  await db.query('RESET search_path');
  await db.query('RESET session_replication_role');
  const began = Date.now();
  await db.query('VACUUM (ANALYZE)');
  write(`VACUUM (ANALYZE) in ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
}

async function sweepPlan(db: Client, cutoff: Date): Promise<string> {
  const statement = expireSagas({ cutoff: cutoff.toISOString(), limit: RETENTION_BATCH });
  await db.query('SET plan_cache_mode = force_generic_plan');
  await db.query(`PREPARE sweep_plan (timestamptz, integer) AS ${statement.text}`);
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (COSTS OFF) EXECUTE sweep_plan ('${cutoff.toISOString()}', ${RETENTION_BATCH})`,
  );
  await db.query('DEALLOCATE sweep_plan');
  await db.query('RESET plan_cache_mode');
  return rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

/** (a) The sweep's statement, batch after batch, on the plain tables; then the vacuums that make the space reusable. */
async function measureRowDeletes(
  db: Client,
  dataSource: DataSource,
  cutoff: Date,
  write: Write,
): Promise<string> {
  write('\n(a) batched DELETE of the oldest 10 % (the sweep statement, 1,000 sagas each)\n');
  const tables = inSchema('public');
  const before = await tableBytes(db, tables);
  await db.query('CHECKPOINT');
  const deletes = await measured(db, () =>
    onOneConnection(
      dataSource,
      async (session) => {
        const total = noDeletedRows();
        let statements = 0;
        for (;;) {
          statements += 1;
          const { rows } = await session.query<Partial<DeletedRows>>(
            expireSagas({ cutoff: cutoff.toISOString(), limit: RETENTION_BATCH }),
          );
          const deleted = { ...noDeletedRows(), ...rows[0] };
          for (const table of retentionTables) total[table] += deleted[table];
          if (deleted.saga_instances < RETENTION_BATCH) return { total, statements };
        }
      },
      { discardOnError: true },
    ),
  );
  const { total, statements } = deletes.result;
  write(
    `  deleted ${total.saga_instances} sagas, ${total.saga_events} log rows, ${total.processed_replies} replies ` +
      `in ${statements} statements: ${deletes.seconds.toFixed(1)} s, WAL ${mib(deletes.walBytes)} MiB\n`,
  );
  const dead = await tableSpace(db, 'public.saga_events');
  write(`  saga_events after the deletes: ${dead.deadPercent.toFixed(1)} % dead rows\n`);
  const vacuum = await measured(db, async () => {
    await db.query(vacuumAfterRetention().text);
    await db.query('VACUUM (SKIP_LOCKED, TRUNCATE false) saga_instances');
  });
  const after = await tableBytes(db, tables);
  const space = await tableSpace(db, 'public.saga_events');
  write(
    `  vacuum: ${vacuum.seconds.toFixed(1)} s, WAL ${mib(vacuum.walBytes)} MiB; saga_events then ` +
      `${space.freePercent.toFixed(1)} % free space, ${space.deadPercent.toFixed(1)} % dead\n` +
      `  sizes before ${formatSizes(before)}\n  sizes after  ${formatSizes(after)} (MiB)\n`,
  );
  return (
    `${(deletes.seconds + vacuum.seconds).toFixed(1)} s (deletes ${deletes.seconds.toFixed(1)} + vacuum ` +
    `${vacuum.seconds.toFixed(1)}), WAL ${mib(deletes.walBytes + vacuum.walBytes)} MiB, tables keep their size ` +
    `(${mib(sum(after))} of ${mib(sum(before))} MiB; the space is reused by new rows)`
  );
}

/** (b) The oldest ten days of the log and replies dropped by partition; the saga rows still deleted in batches. */
async function measurePartitionDrops(db: Client, cutoff: Date, write: Write): Promise<string> {
  write('\n(b) partitioned by day: DETACH … CONCURRENTLY and DROP of the 10 oldest partitions\n');
  const tables = inSchema(PARTITIONED);
  const before = await tableBytes(db, tables);
  await db.query('CHECKPOINT');
  const drops = await measured(db, () => dropOldestPartitions(db, EXPIRED_DAYS));
  const sagas = await measured(db, () => deleteSagaRowsOnly(db, cutoff));
  const vacuum = await measured(db, () =>
    db.query(`VACUUM (SKIP_LOCKED, TRUNCATE false) ${PARTITIONED}.saga_instances`),
  );
  const after = await tableBytes(db, tables);
  write(
    `  partitions: ${drops.seconds.toFixed(2)} s, WAL ${mib(drops.walBytes)} MiB\n` +
      `  saga rows (${sagas.result} statements): ${sagas.seconds.toFixed(1)} s, WAL ${mib(sagas.walBytes)} MiB; ` +
      `vacuum ${vacuum.seconds.toFixed(1)} s, WAL ${mib(vacuum.walBytes)} MiB\n` +
      `  sizes before ${formatSizes(before)}\n  sizes after  ${formatSizes(after)} (MiB)\n`,
  );
  const seconds = drops.seconds + sagas.seconds + vacuum.seconds;
  return (
    `${seconds.toFixed(1)} s (partitions ${drops.seconds.toFixed(2)} + saga rows ${sagas.seconds.toFixed(1)} + ` +
    `vacuum ${vacuum.seconds.toFixed(1)}), WAL ${mib(drops.walBytes + sagas.walBytes + vacuum.walBytes)} MiB, ` +
    `tables shrink (${mib(sum(after))} of ${mib(sum(before))} MiB)`
  );
}

/** (c) Log inserts and duplicate checks of replies, plain against partitioned, twice each in turn. */
async function measureHotPath(db: Client, write: Write): Promise<string> {
  write(
    `\n(c) hot path: ${RATE_CLIENTS} connections; ${INSERT_STATEMENTS} inserts of 10 log rows, ` +
      `${LOOKUP_STATEMENTS} reply checks of 8 ids per run\n`,
  );
  // Both log tables then have the same constraints: a partitioned log would not reference its saga either (the
  // cascade of a saga's delete would search every partition).
  await db.query('ALTER TABLE public.saga_events DROP CONSTRAINT saga_events_saga_id_fkey');
  const run = (table: string, statements: number) => ({
    databaseUrl: DATABASE_URL,
    table,
    statements,
    clients: RATE_CLIENTS,
  });
  const rates: Record<string, number[]> = {};
  const record = (key: string, rate: number) => {
    (rates[key] ??= []).push(rate);
    write(`  ${key}: ${rate.toFixed(0)}/s\n`);
  };
  for (let round = 0; round < RATE_ROUNDS; round += 1) {
    for (const schema of ['public', PARTITIONED]) {
      const table = `${schema}.saga_events`;
      record(`log rows inserted, ${schema}`, await logInsertRate(run(table, INSERT_STATEMENTS)));
    }
    for (const schema of ['public', PARTITIONED]) {
      const table = `${schema}.processed_replies`;
      record(`reply checks, ${schema}`, await replyLookupRate(run(table, LOOKUP_STATEMENTS)));
    }
  }
  const median = (key: string) => {
    const sorted = [...(rates[key] ?? [0])].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!.toFixed(0);
  };
  return (
    `log rows/s plain ${median('log rows inserted, public')} vs partitioned ` +
    `${median(`log rows inserted, ${PARTITIONED}`)}; reply checks/s plain ${median('reply checks, public')} vs ` +
    `partitioned ${median(`reply checks, ${PARTITIONED}`)} (median of ${RATE_ROUNDS})`
  );
}

function sum(sizes: Record<string, number>): number {
  return Object.values(sizes).reduce((total, bytes) => total + bytes, 0);
}

function formatSizes(sizes: Record<string, number>): string {
  return Object.entries(sizes)
    .map(([table, bytes]) => `${table} ${mib(bytes)}`)
    .join(', ');
}
