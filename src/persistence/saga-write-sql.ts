import type { JsonObject } from '../contracts/json';
import type { LogEntry } from '../core/effects';
import type { SagaState } from '../core/state';
import type { TimerPayload } from '../core/timers';
import type { OutboxRow } from './outbox-sql';
import type { SqlStatement } from './sql';

/**
 * Everything one saga's decisions change, written by one statement: the saga row, its log, its timers, the
 * commands it sends (outbox) and the replies it consumed. Each statement is atomic on its own, so none of it needs
 * an explicit transaction.
 */
export interface SagaWrite {
  sagaId: string;
  /** The revision the decisions were made on; the write does nothing if the row moved on since. */
  expectedRevision: number;
  /** Null when the decisions changed nothing: only the revision and the log position move. */
  state: SagaState | null;
  lastSeq: number;
  log: Array<LogEntry & { seq: number }>;
  processedReplies: string[];
  /** Every timer of the saga goes (it ended); `cancelledTimers` and `scheduledTimers` are then empty. */
  clearTimers: boolean;
  cancelledTimers: string[];
  scheduledTimers: TimerToSchedule[];
  commands: NewOutboxMessage[];
}

export interface TimerToSchedule {
  key: string;
  fireAt: string;
  payload: TimerPayload;
}

export interface NewOutboxMessage {
  messageId: string;
  exchange: string;
  routingKey: string;
  headers: Record<string, string>;
  body: JsonObject;
}

export interface NewSaga {
  state: SagaState;
  idempotencyKey: string | null;
  requestFingerprint: string | null;
}

export interface WrittenSagas {
  /** Sagas whose write took effect; the others moved on since they were read. */
  written: Set<string>;
  /** Outbox rows inserted, leased to this instance, in the order to publish them. */
  queued: OutboxRow[];
}

/**
 * The effect tables, for the sagas in the CTE `written` only. $1 is the lease, $2 the outbox rows confirmed by the
 * broker since the last write (deleted here, saving a transaction of their own), $3… the rows.
 */
const EFFECTS = `
  recorded AS (
    INSERT INTO processed_replies (message_id, saga_id)
    SELECT r."messageId", r."sagaId"
    FROM jsonb_to_recordset($3::jsonb) AS r("messageId" text, "sagaId" uuid)
    JOIN written w ON w.id = r."sagaId"
    ON CONFLICT (message_id) DO NOTHING),
  logged AS (
    INSERT INTO saga_events (saga_id, seq, type, step, data, at)
    SELECT e."sagaId", e.seq, e.type, e.step, e.data, e.at
    FROM jsonb_to_recordset($4::jsonb)
      AS e("sagaId" uuid, seq integer, type text, step text, data jsonb, at timestamptz)
    JOIN written w ON w.id = e."sagaId"),
  timers_cleared AS (
    DELETE FROM saga_timers t USING written w
    WHERE t.saga_id = w.id
      AND (t.saga_id = ANY($5::uuid[])
           OR (t.saga_id, t.key) IN (SELECT c."sagaId", c.key
                                     FROM jsonb_to_recordset($6::jsonb) AS c("sagaId" uuid, key text)))),
  timers_scheduled AS (
    INSERT INTO saga_timers (saga_id, key, fire_at, payload)
    SELECT s."sagaId", s.key, s."fireAt", s.payload
    FROM jsonb_to_recordset($7::jsonb) AS s("sagaId" uuid, key text, "fireAt" timestamptz, payload jsonb)
    JOIN written w ON w.id = s."sagaId"
    ON CONFLICT (saga_id, key) DO UPDATE SET fire_at = excluded.fire_at, payload = excluded.payload),
  queued AS (
    INSERT INTO outbox (saga_id, message_id, exchange, routing_key, headers, body, lease_until)
    SELECT m."sagaId", m."messageId", m.exchange, m."routingKey", m.headers, m.body,
           now() + make_interval(secs => $1::double precision / 1000)
    FROM jsonb_to_recordset($8::jsonb) AS m("sagaId" uuid, "messageId" text, exchange text, "routingKey" text,
                                            headers jsonb, body jsonb, ordinal integer)
    JOIN written w ON w.id = m."sagaId"
    ORDER BY m.ordinal
    RETURNING id, message_id),
  published AS (
    DELETE FROM outbox WHERE id = ANY($2::bigint[]))
SELECT (SELECT coalesce(json_agg(w.id), '[]'::json) FROM written w) AS written,
       (SELECT coalesce(json_object_agg(q.message_id, q.id::text), '{}'::json) FROM queued q) AS queued`;

const UPDATE_SAGAS = `
WITH input AS (
    SELECT * FROM jsonb_to_recordset($9::jsonb) AS s(id uuid, revision integer, status text, state jsonb,
                                                      "lastSeq" integer, "updatedAt" timestamptz, "failingStep" text,
                                                      "replyIds" text[])),
  -- Row locks in id order ($10 is sorted): two writes sharing sagas wait for each other instead of deadlocking.
  -- Each saga is looked up and locked on its own (a locking subquery is never merged into a join), and the update
  -- joins the rows found. The plan is made once per connection, often while the table is still small; a join
  -- planned then scanned the whole table on every write for as long as the plan was kept.
  locked AS MATERIALIZED (
    SELECT l.id FROM unnest($10::uuid[]) AS u(id)
    CROSS JOIN LATERAL (SELECT i.id FROM saga_instances i WHERE i.id = u.id FOR NO KEY UPDATE) l),
  written AS (
    UPDATE saga_instances i
    SET revision = i.revision + 1,
        last_seq = s."lastSeq",
        status = coalesce(s.status, i.status),
        state = coalesce(s.state, i.state),
        updated_at = coalesce(s."updatedAt", i.updated_at),
        failing_step = CASE WHEN s.state IS NULL THEN i.failing_step ELSE s."failingStep" END
    FROM input s
    WHERE i.id = s.id AND i.id IN (SELECT id FROM locked) AND i.revision = s.revision
      AND NOT EXISTS (SELECT 1 FROM processed_replies p WHERE p.message_id = ANY(s."replyIds"))
    RETURNING i.id),
${EFFECTS}`;

// Two new sagas of one batch with the same idempotency key: the first is inserted, the second skipped. Rows go in
// key order, so two batches sharing keys wait for each other instead of deadlocking.
const INSERT_SAGAS = `
WITH written AS (
    INSERT INTO saga_instances (id, name, version, status, correlation_id, idempotency_key,
                                request_fingerprint, state, revision, last_seq, created_at, updated_at)
    SELECT s.id, s.name, s.version, s.status, s."correlationId", s."idempotencyKey", s."requestFingerprint",
           s.state, 1, s."lastSeq", s."createdAt", s."createdAt"
    FROM jsonb_to_recordset($9::jsonb) AS s(id uuid, name text, version integer, status text, "correlationId" text,
                                             "idempotencyKey" text, "requestFingerprint" text, state jsonb,
                                             "lastSeq" integer, "createdAt" timestamptz, ordinal integer)
    ORDER BY s."idempotencyKey", s.ordinal
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id),
${EFFECTS}`;

/**
 * Writes decisions made on sagas read earlier, each only if its saga is still at the revision it was read at and
 * none of the replies it applies was applied before.
 */
export function updateSagas(
  writes: SagaWrite[],
  confirmedOutboxIds: string[],
  leaseMs: number,
): SagaWriteStatement {
  const sagas = [...writes].sort(bySagaId).map((write) => ({
    id: write.sagaId,
    revision: write.expectedRevision,
    status: write.state?.status ?? null,
    state: write.state,
    lastSeq: write.lastSeq,
    updatedAt: write.state?.updatedAt ?? null,
    failingStep: write.state?.compensationCause?.step ?? null,
    replyIds: write.processedReplies,
  }));
  const { json, rowBytes } = serializeRows(sagas);
  return {
    name: 'saga-write.update',
    text: UPDATE_SAGAS,
    values: [...effectValues(writes, confirmedOutboxIds, leaseMs), json, sagas.map((saga) => saga.id)],
    rowBytes,
  };
}

/**
 * Creates sagas, each with the effects of its first decision (`writes`, in the same order); a saga whose
 * idempotency key is taken, by an earlier request or by an earlier saga of the batch, is not written.
 */
export function insertSagas(
  sagas: NewSaga[],
  writes: SagaWrite[],
  confirmedOutboxIds: string[],
  leaseMs: number,
): SagaWriteStatement {
  const rows = sagas.map(({ state, idempotencyKey, requestFingerprint }, ordinal) => ({
    id: state.id,
    name: state.name,
    version: state.version,
    status: state.status,
    correlationId: state.correlationId,
    idempotencyKey,
    requestFingerprint,
    state,
    lastSeq: writes[ordinal]!.lastSeq,
    createdAt: state.createdAt,
    ordinal,
  }));
  const { json, rowBytes } = serializeRows(rows);
  return {
    name: 'saga-write.insert',
    text: INSERT_SAGAS,
    values: [...effectValues(writes, confirmedOutboxIds, leaseMs), json],
    rowBytes,
  };
}

/** A saga write, and per saga the JSON length of its row: the saga cache counts it, at no extra cost. */
export interface SagaWriteStatement extends SqlStatement {
  rowBytes: Map<string, number>;
}

function serializeRows(rows: Array<{ id: string }>): { json: string; rowBytes: Map<string, number> } {
  const rowBytes = new Map<string, number>();
  const parts = rows.map((row) => {
    const json = JSON.stringify(row);
    rowBytes.set(row.id, json.length);
    return json;
  });
  return { json: `[${parts.join(',')}]`, rowBytes };
}

function bySagaId(a: SagaWrite, b: SagaWrite): number {
  return a.sagaId < b.sagaId ? -1 : a.sagaId > b.sagaId ? 1 : 0;
}

function effectValues(writes: SagaWrite[], confirmedOutboxIds: string[], leaseMs: number): unknown[] {
  const each = <T>(pick: (write: SagaWrite) => T[]) => writes.flatMap(pick);
  return [
    leaseMs,
    confirmedOutboxIds,
    JSON.stringify(each((w) => w.processedReplies.map((messageId) => ({ messageId, sagaId: w.sagaId })))),
    JSON.stringify(each((w) => w.log.map((entry) => ({ sagaId: w.sagaId, ...entry })))),
    writes.filter((w) => w.clearTimers).map((w) => w.sagaId),
    JSON.stringify(each((w) => w.cancelledTimers.map((key) => ({ sagaId: w.sagaId, key })))),
    JSON.stringify(each((w) => w.scheduledTimers.map((timer) => ({ sagaId: w.sagaId, ...timer })))),
    JSON.stringify(
      each((w) => w.commands.map((command) => ({ sagaId: w.sagaId, ...command }))).map((row, ordinal) => ({
        ...row,
        ordinal,
      })),
    ),
  ];
}

/** The single row both statements return: the sagas written, and the outbox row id of each message queued. */
export interface WrittenSagasRow {
  written: string[];
  queued: Record<string, string>;
}

/** What a write did, with the outbox rows rebuilt from the writes rather than sent back by the database. */
export function writtenSagas(writes: SagaWrite[], row: WrittenSagasRow): WrittenSagas {
  const written = new Set(row.written);
  const queued: OutboxRow[] = [];
  for (const write of writes) {
    if (!written.has(write.sagaId)) continue;
    for (const command of write.commands) {
      const id = row.queued[command.messageId];
      if (id === undefined) throw new Error(`outbox row for message ${command.messageId} was not written`);
      queued.push({
        id,
        saga_id: write.sagaId,
        message_id: command.messageId,
        exchange: command.exchange,
        routing_key: command.routingKey,
        headers: command.headers,
        body: command.body,
      });
    }
  }
  return { written, queued };
}
