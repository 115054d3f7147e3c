import type { Pool, PoolClient } from 'pg';
import type { SagaStatus } from '../../src/core/status';

export const SAGA_NAME = 'order-fulfillment';
const HOUR_MS = 3_600_000;

export const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR_MS);

/** The definition the inserted sagas refer to (an engine stores its own at start-up). */
export async function storeDefinition(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO saga_definitions (name, version, document, fingerprint) VALUES ($1, 1, '{}', 'test')
     ON CONFLICT DO NOTHING`,
    [SAGA_NAME],
  );
}

export interface SeededSagas {
  status: SagaStatus;
  count: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Sagas written straight into the tables, as if the engine had run them at the given times: each with two log
 * rows, one processed reply and one timer, in one transaction (a running sweep sees all of them or none). Returns
 * their ids.
 */
export async function insertSagas(pool: Pool, sagas: SeededSagas): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const ids = await insertSagaRows(client, sagas);
    await client.query('COMMIT');
    return ids;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function insertSagaRows(pool: PoolClient, sagas: SeededSagas): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO saga_instances (id, name, version, status, correlation_id, state, revision, last_seq,
                                 created_at, updated_at)
     SELECT gen_random_uuid(), $1, 1, $2, 'seeded', '{}', 1, 2, $3, $4 FROM generate_series(1, $5)
     RETURNING id`,
    [SAGA_NAME, sagas.status, sagas.createdAt, sagas.updatedAt, sagas.count],
  );
  const ids = rows.map((row) => row.id);
  await pool.query(
    `INSERT INTO saga_events (saga_id, seq, type, step, data, at)
     SELECT id, seq, 'CommandSent', 'reserve-inventory', '{}', $2 FROM unnest($1::uuid[]) id, generate_series(1, 2) seq`,
    [ids, sagas.updatedAt],
  );
  await pool.query(
    `INSERT INTO processed_replies (message_id, saga_id, processed_at)
     SELECT 'reply-' || id, id, $2 FROM unnest($1::uuid[]) id`,
    [ids, sagas.updatedAt],
  );
  await pool.query(
    `INSERT INTO saga_timers (saga_id, key, fire_at, payload)
     SELECT id, 'deadline', now() + interval '1 day', '{}' FROM unnest($1::uuid[]) id`,
    [ids],
  );
  return ids;
}

/** Dead letters received at `receivedAt`; returns their ids. */
export async function insertDeadLetters(pool: Pool, count: number, receivedAt: Date): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO dead_letters (message_id, reason, original_exchange, original_routing_key, properties, content,
                               received_at)
     SELECT 'letter-' || g, 'unknown saga', '', 'sagas.replies', '{}', '\\x7b7d', $2 FROM generate_series(1, $1) g
     RETURNING id`,
    [count, receivedAt],
  );
  return rows.map((row) => row.id);
}

export interface RowsOfSagas {
  sagas: number;
  events: number;
  replies: number;
  timers: number;
}

/** How many rows of each table belong to the given sagas. */
export async function rowsOf(pool: Pool, ids: string[]): Promise<RowsOfSagas> {
  const { rows } = await pool.query<RowsOfSagas>(
    `SELECT (SELECT count(*) FROM saga_instances WHERE id = ANY($1::uuid[]))::int AS sagas,
            (SELECT count(*) FROM saga_events WHERE saga_id = ANY($1::uuid[]))::int AS events,
            (SELECT count(*) FROM processed_replies WHERE saga_id = ANY($1::uuid[]))::int AS replies,
            (SELECT count(*) FROM saga_timers WHERE saga_id = ANY($1::uuid[]))::int AS timers`,
    [ids],
  );
  return rows[0]!;
}

export async function deadLettersKept(pool: Pool, ids: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dead_letters WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return rows[0]!.n;
}
