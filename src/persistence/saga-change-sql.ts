import type { Committed, NewSaga, OutboxMessage, SagaChange } from '../orchestrator/ports';
import { namedStatement } from './named-sql';
import type { SqlStatement } from './sql';
import { InvariantError } from '../core/errors';

/** How long the writing engine process has to publish its outbox rows before any engine process may. */
export const OUTBOX_LEASE_MS = 10_000;

/**
 * The tables a change touches besides the saga row, for the sagas in the CTE `written` only: the replies consumed,
 * the events, the timers, the outbox (leased for `$leaseMs`), and the outbox rows the broker confirmed since the
 * last commit (`$confirmed`, deleted here, saving a transaction of their own). Each statement is atomic on its own,
 * so none of it needs an explicit transaction.
 */
const EFFECTS = `
  recorded AS (
    INSERT INTO processed_replies (message_id, saga_id)
    SELECT r."messageId", r."sagaId"
    FROM jsonb_to_recordset($replies::jsonb) AS r("messageId" text, "sagaId" uuid)
    JOIN written w ON w.id = r."sagaId"
    ON CONFLICT (message_id) DO NOTHING),
  logged AS (
    INSERT INTO saga_events (saga_id, seq, type, step, data, at)
    SELECT e."sagaId", e.seq, e.type, e.step, e.data, e.at
    FROM jsonb_to_recordset($events::jsonb)
      AS e("sagaId" uuid, seq integer, type text, step text, data jsonb, at timestamptz)
    JOIN written w ON w.id = e."sagaId"),
  timers_cleared AS (
    DELETE FROM saga_timers t USING written w
    WHERE t.saga_id = w.id
      AND (t.saga_id = ANY($clearTimers::uuid[])
           OR (t.saga_id, t.key) IN (SELECT c."sagaId", c.key
                                     FROM jsonb_to_recordset($cancelledTimers::jsonb) AS c("sagaId" uuid, key text)))),
  timers_scheduled AS (
    INSERT INTO saga_timers (saga_id, key, fire_at, payload)
    SELECT s."sagaId", s.key, s."fireAt", s.payload
    FROM jsonb_to_recordset($scheduledTimers::jsonb) AS s("sagaId" uuid, key text, "fireAt" timestamptz, payload jsonb)
    JOIN written w ON w.id = s."sagaId"
    ON CONFLICT (saga_id, key) DO UPDATE SET fire_at = excluded.fire_at, payload = excluded.payload),
  queued AS (
    INSERT INTO outbox (saga_id, message_id, exchange, routing_key, headers, body, lease_until)
    SELECT m."sagaId", m."messageId", m.exchange, m."routingKey", m.headers, m.body,
           now() + make_interval(secs => $leaseMs::double precision / 1000)
    FROM jsonb_to_recordset($commands::jsonb) AS m("sagaId" uuid, "messageId" text, exchange text, "routingKey" text,
                                            headers jsonb, body jsonb, ordinal integer)
    JOIN written w ON w.id = m."sagaId"
    ORDER BY m.ordinal
    RETURNING id, message_id),
  published AS (
    DELETE FROM outbox WHERE id = ANY($confirmed::bigint[]))
SELECT (SELECT coalesce(json_agg(w.id), '[]'::json) FROM written w) AS written,
       (SELECT coalesce(json_object_agg(q.message_id, q.id::text), '{}'::json) FROM queued q) AS queued`;

const UPDATE_SAGAS = `
WITH input AS (
    SELECT * FROM jsonb_to_recordset($sagas::jsonb) AS s(id uuid, revision integer, status text, version integer,
                                                      state jsonb,
                                                      "lastSeq" integer, "updatedAt" timestamptz, "failingStep" text,
                                                      "replyIds" text[])),
  -- Row locks in id order ($lockOrder is sorted): two writes sharing sagas wait for each other instead of deadlocking.
  -- Each saga is looked up and locked on its own (a locking subquery is never merged into a join), and the update
  -- joins the rows found. The plan is made once per connection, often while the table is still small; a join
  -- planned then scanned the whole table on every write for as long as the plan was kept.
  locked AS MATERIALIZED (
    SELECT l.id FROM unnest($lockOrder::uuid[]) AS u(id)
    CROSS JOIN LATERAL (SELECT i.id FROM saga_instances i WHERE i.id = u.id FOR NO KEY UPDATE) l),
  written AS (
    UPDATE saga_instances i
    SET revision = i.revision + 1,
        last_seq = s."lastSeq",
        status = coalesce(s.status, i.status),
        version = coalesce(s.version, i.version),
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
                                request_fingerprint, state, revision, last_seq, created_at, updated_at, rerun_of)
    SELECT s.id, s.name, s.version, s.status, s."correlationId", s."idempotencyKey", s."requestFingerprint",
           s.state, 1, s."lastSeq", s."createdAt", s."createdAt", s."rerunOf"
    FROM jsonb_to_recordset($sagas::jsonb) AS s(id uuid, name text, version integer, status text, "correlationId" text,
                                             "idempotencyKey" text, "requestFingerprint" text, state jsonb,
                                             "lastSeq" integer, "createdAt" timestamptz, ordinal integer,
                                             "rerunOf" uuid)
    ORDER BY s."idempotencyKey", s.ordinal
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id),
${EFFECTS}`;

interface EffectParams extends Record<string, unknown> {
  leaseMs: number;
  confirmed: string[];
  replies: string;
  events: string;
  clearTimers: string[];
  cancelledTimers: string;
  scheduledTimers: string;
  commands: string;
}

const updateStatement = namedStatement<EffectParams & { sagas: string; lockOrder: string[] }>(
  UPDATE_SAGAS,
  'saga-change.update',
);
const insertStatement = namedStatement<EffectParams & { sagas: string }>(INSERT_SAGAS, 'saga-change.insert');

/** A saga change statement, and per saga the JSON length of its row: the saga cache counts it at no extra cost. */
export interface SagaChangeStatement extends SqlStatement {
  rowBytes: Map<string, number>;
}

/**
 * Writes changes to sagas read earlier, each only if its saga is still at the revision it was read at and none
 * of the replies it applies was applied before.
 */
export function updateSagas(changes: SagaChange[], confirmedOutboxIds: string[]): SagaChangeStatement {
  const sagas = [...changes].sort(bySagaId).map((change) => ({
    id: change.sagaId,
    revision: change.expectedRevision,
    status: change.state?.status ?? null,
    version: change.movedToVersion,
    state: change.state,
    lastSeq: change.lastSeq,
    updatedAt: change.state?.updatedAt ?? null,
    failingStep: change.state?.compensationCause?.step ?? change.state?.suspension?.step ?? null,
    replyIds: change.processedReplies,
  }));
  const { json, rowBytes } = serializeRows(sagas);
  return {
    ...updateStatement({
      ...effectParams(changes, confirmedOutboxIds),
      sagas: json,
      lockOrder: sagas.map((saga) => saga.id),
    }),
    rowBytes,
  };
}

/**
 * Creates sagas, each with the change of its first decision (`changes`, in the same order); a saga whose
 * idempotency key is taken, by an earlier request or by an earlier saga of the batch, is not written.
 */
export function insertSagas(
  sagas: NewSaga[],
  changes: SagaChange[],
  confirmedOutboxIds: string[],
): SagaChangeStatement {
  const rows = sagas.map(({ state, idempotencyKey, requestFingerprint }, ordinal) => ({
    id: state.id,
    name: state.name,
    version: state.version,
    status: state.status,
    correlationId: state.correlationId,
    idempotencyKey,
    requestFingerprint,
    state,
    lastSeq: changes[ordinal]!.lastSeq,
    createdAt: state.createdAt,
    ordinal,
    rerunOf: state.rerunOf ?? null,
  }));
  const { json, rowBytes } = serializeRows(rows);
  return { ...insertStatement({ ...effectParams(changes, confirmedOutboxIds), sagas: json }), rowBytes };
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

function bySagaId(a: SagaChange, b: SagaChange): number {
  return a.sagaId < b.sagaId ? -1 : a.sagaId > b.sagaId ? 1 : 0;
}

function effectParams(changes: SagaChange[], confirmed: string[]): EffectParams {
  const each = <T>(pick: (change: SagaChange) => T[]) => changes.flatMap(pick);
  return {
    leaseMs: OUTBOX_LEASE_MS,
    confirmed,
    replies: JSON.stringify(
      each((c) => c.processedReplies.map((messageId) => ({ messageId, sagaId: c.sagaId }))),
    ),
    events: JSON.stringify(each((c) => c.events.map((event) => ({ sagaId: c.sagaId, ...event })))),
    clearTimers: changes.filter((c) => c.clearTimers).map((c) => c.sagaId),
    cancelledTimers: JSON.stringify(each((c) => c.cancelledTimers.map((key) => ({ sagaId: c.sagaId, key })))),
    scheduledTimers: JSON.stringify(
      each((c) => c.scheduledTimers.map((timer) => ({ sagaId: c.sagaId, ...timer }))),
    ),
    commands: JSON.stringify(
      each((c) => c.commands.map((command) => ({ sagaId: c.sagaId, ...command }))).map((row, ordinal) => ({
        ...row,
        ordinal,
      })),
    ),
  };
}

/** The single row both statements return: the sagas written, and the outbox row id of each message queued. */
export interface CommittedRow {
  written: string[];
  queued: Record<string, string>;
}

/** What a statement did, with the outbox rows rebuilt from the changes rather than sent back by the database. */
export function committed(
  statement: SagaChangeStatement,
  changes: SagaChange[],
  row: CommittedRow,
): Committed {
  const written = new Set(row.written);
  const queued: OutboxMessage[] = [];
  for (const change of changes) {
    if (!written.has(change.sagaId)) continue;
    for (const command of change.commands) {
      const id = row.queued[command.messageId];
      if (id === undefined)
        throw new InvariantError(`outbox row for message ${command.messageId} was not written`);
      queued.push({ id, sagaId: change.sagaId, ...command });
    }
  }
  return { written, queued, rowBytes: statement.rowBytes };
}
