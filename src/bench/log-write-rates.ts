import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/**
 * The hot path's use of the log and the processed replies, alone: `clients` connections at once, each statement
 * prepared once per connection with a generic plan, as the engine's sessions run them.
 */
export interface RateRun {
  databaseUrl: string;
  /** Schema-qualified table. */
  table: string;
  statements: number;
  clients: number;
}

const ROWS_PER_INSERT = 10;
const IDS_PER_LOOKUP = 8;

async function perSecond(run: RateRun, work: (pool: Pool, worker: number) => Promise<void>): Promise<number> {
  const pool = new Pool({
    connectionString: run.databaseUrl,
    max: run.clients,
    options: '-c plan_cache_mode=force_generic_plan',
  });
  try {
    let left = run.statements;
    const began = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: run.clients }, async (_, worker) => {
        while (left-- > 0) await work(pool, worker);
      }),
    );
    return run.statements / (Number(process.hrtime.bigint() - began) / 1e9);
  } finally {
    await pool.end();
  }
}

/** Log rows inserted per second, ten per statement (a commit writes a few per saga, for several sagas). */
export async function logInsertRate(run: RateRun): Promise<number> {
  const data = JSON.stringify({
    kind: 'action',
    type: 'ReserveInventory',
    attempt: 1,
    messageId: randomUUID(),
  });
  const statementsPerSecond = await perSecond(run, (pool) =>
    pool
      .query({
        name: `insert-${run.table}`,
        text: `INSERT INTO ${run.table} (saga_id, seq, type, step, data, at)
               SELECT $1::uuid, seq, 'CommandSent', 'reserve-inventory', $2::jsonb, now()
               FROM generate_series(1, ${ROWS_PER_INSERT}) seq`,
        values: [randomUUID(), data],
      })
      .then(() => undefined),
  );
  return statementsPerSecond * ROWS_PER_INSERT;
}

/** Duplicate checks per second: is any of eight message ids (none of them stored, as for new replies) applied? */
export async function replyLookupRate(run: RateRun): Promise<number> {
  return perSecond(run, (pool) =>
    pool
      .query({
        name: `lookup-${run.table}`,
        text: `SELECT message_id FROM ${run.table} WHERE message_id = ANY($1::text[])`,
        values: [Array.from({ length: IDS_PER_LOOKUP }, () => randomUUID())],
      })
      .then(() => undefined),
  );
}
