import type { Pool } from 'pg';
import { z } from 'zod';
import { jsonObjectSchema } from '../contracts/json';
import { pgTransaction } from '../shared/pg-transaction';
import { replyErrorSchema } from '../contracts/reply';
import { ParticipantOptionsError } from './errors';
import { type IdempotencyRecord, type IdempotencyStore, answers } from './idempotency';

export interface PostgresIdempotencyStoreOptions {
  /** A `pg` pool; the store borrows clients from it and never ends it. Required. */
  pool: Pool;
  /** The table, optionally schema-qualified (`[a-z_][a-z0-9_]*`). Default `saga_participant_idempotency`. */
  table?: string;
}

export interface PostgresIdempotencyStore extends IdempotencyStore {
  /** Creates the table when it is missing; safe when several processes call it at once. */
  ensureSchema(): Promise<void>;
  transaction: NonNullable<IdempotencyStore['transaction']>;
  recordTombstone: NonNullable<IdempotencyStore['recordTombstone']>;
}

/**
 * Records outcomes in a PostgreSQL table and supports `ctx.transaction`: the handler's side effects, written
 * with the transaction's client, commit together with the record.
 */
export function createPostgresIdempotencyStore(
  options: PostgresIdempotencyStoreOptions,
): PostgresIdempotencyStore {
  const { pool, table = 'saga_participant_idempotency' } = options;
  const problems: string[] = [];
  if (typeof pool?.connect !== 'function') problems.push('pool: is required (a pg.Pool)');
  if (typeof table !== 'string' || !tableName.test(table)) {
    problems.push(
      `table: must match [a-z_][a-z0-9_]* with an optional schema (got ${JSON.stringify(table)})`,
    );
  }
  if (problems.length > 0) {
    throw new ParticipantOptionsError(`invalid idempotency store options:\n${problems.join('\n')}`);
  }
  const sql = statements(table);

  return {
    async ensureSchema() {
      await pgTransaction(pool, async (client) => {
        await client.query(sql.lockSchema());
        await client.query(sql.createTable());
      });
    },

    async find(key) {
      const { rows } = await pool.query<Row>(sql.find(key));
      return rows[0] === undefined ? undefined : toRecord(rows[0]);
    },

    record(key, record) {
      return pgTransaction(pool, async (client) => {
        await client.query(sql.lockKey(key));
        const { rows } = await client.query<Row>(sql.upsert(key, record));
        if (rows[0] !== undefined) return toRecord(rows[0]);
        const standing = await client.query<Row>(sql.find(key));
        return toRecord(standing.rows[0]!);
      });
    },

    transaction(key, attempt, work) {
      return pgTransaction(pool, async (client) => {
        await client.query(sql.lockKey(key));
        const found = await client.query<Row>(sql.find(key));
        const current = found.rows[0] === undefined ? undefined : toRecord(found.rows[0]);
        if (current !== undefined && answers(current, attempt.attempt))
          return { ran: false, record: current };
        const output = await work(client);
        const record: IdempotencyRecord = { outcome: 'success', output, ...attempt };
        const { rows } = await client.query<Row>(sql.upsert(key, record));
        if (rows[0] === undefined) throw new Error(`the record of ${key} changed while its lock was held`);
        return { ran: true, record: toRecord(rows[0]) };
      });
    },

    recordTombstone(key, tombstone) {
      return pgTransaction(pool, async (client) => {
        // Waits for a `transaction` of the action in flight: it commits its record or rolls back its effect.
        await client.query(sql.lockKey(key));
        const { rows } = await client.query<Row>(sql.insertIfAbsent(key, tombstone));
        if (rows[0] !== undefined) return toRecord(rows[0]);
        const standing = await client.query<Row>(sql.find(key));
        return toRecord(standing.rows[0]!);
      });
    },
  };
}

const tableName = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

interface Sql {
  text: string;
  values: unknown[];
}

interface Row {
  outcome: string;
  output: unknown;
  error: unknown;
  attempt: number;
  message_id: string;
}

/** The store's SQL, one function per operation, parameters only; `table` is validated and quoted. */
function statements(table: string) {
  const quoted = table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
  const columns = 'outcome, output, error, attempt, message_id';
  return {
    /**
     * `CREATE TABLE IF NOT EXISTS` is not atomic: two sessions can both miss the table and one then fails on the
     * catalog's unique index. A transaction-scoped advisory lock makes concurrent callers take turns.
     */
    lockSchema: (): Sql => ({
      text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
      values: [`${table}:schema`],
    }),

    createTable: (): Sql => ({
      text: `CREATE TABLE IF NOT EXISTS ${quoted} (
        idempotency_key text PRIMARY KEY,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        output jsonb,
        error jsonb,
        attempt integer NOT NULL,
        message_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((outcome = 'success') = (output IS NOT NULL) AND (outcome = 'failure') = (error IS NOT NULL))
      )`,
      values: [],
    }),

    /**
     * Held until the transaction ends: deliveries of one key take turns, other keys are not blocked (a hash
     * collision only makes two keys take turns). The table name keeps it apart from other advisory locks.
     */
    lockKey: (key: string): Sql => ({
      text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
      values: [`${table}:${key}`],
    }),

    /** A plain read: callers that need it stable hold `lockKey` first. */
    find: (key: string): Sql => ({
      text: `SELECT ${columns} FROM ${quoted} WHERE idempotency_key = $1`,
      values: [key],
    }),

    /**
     * Inserts, or replaces a failure recorded for an earlier attempt (`supersedes`); the conflicting row is
     * locked by the upsert. Returns no row when the stored record stands.
     */
    upsert: (key: string, record: IdempotencyRecord): Sql => ({
      text: `INSERT INTO ${quoted} AS t (idempotency_key, ${columns}) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (idempotency_key) DO UPDATE
          SET outcome = excluded.outcome, output = excluded.output, error = excluded.error,
              attempt = excluded.attempt, message_id = excluded.message_id, recorded_at = now()
          WHERE t.outcome = 'failure' AND t.attempt < excluded.attempt
        RETURNING ${columns}`,
      values: recordValues(key, record),
    }),

    /**
     * Inserts only when the key has no row (a tombstone: `tombstoneAttempt` keeps the upsert above from ever
     * replacing it). Returns no row when one was there.
     */
    insertIfAbsent: (key: string, record: IdempotencyRecord): Sql => ({
      text: `INSERT INTO ${quoted} (idempotency_key, ${columns}) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING ${columns}`,
      values: recordValues(key, record),
    }),
  };
}

function recordValues(key: string, record: IdempotencyRecord): unknown[] {
  return [
    key,
    record.outcome,
    record.outcome === 'success' ? JSON.stringify(record.output) : null,
    record.outcome === 'failure' ? JSON.stringify(record.error) : null,
    record.attempt,
    record.messageId,
  ];
}

const rowSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('success'),
    output: jsonObjectSchema,
    attempt: z.number(),
    message_id: z.string(),
  }),
  z.object({
    outcome: z.literal('failure'),
    error: replyErrorSchema,
    attempt: z.number(),
    message_id: z.string(),
  }),
]);

function toRecord(row: Row): IdempotencyRecord {
  const parsed = rowSchema.parse(row);
  const ref = { attempt: parsed.attempt, messageId: parsed.message_id };
  return parsed.outcome === 'success'
    ? { outcome: 'success', output: parsed.output, ...ref }
    : { outcome: 'failure', error: parsed.error, ...ref };
}
