import type { ClientBase } from 'pg';
import { namedStatement } from '../persistence/named-sql';

/**
 * Finished sagas written straight into the tables with one INSERT … SELECT each, for measurements on large tables:
 * saga `g` (1-based) has id md5('saga-g'), started at `start + (g - 1) × spacingMs`, finished 150 ms later. Its
 * state has the shape and size of a finished 3-step order-fulfillment saga from the bench (about 2 kB of JSON);
 * one in 50 is COMPENSATED after its third step failed, one in 50 COMPENSATION_FAILED, the rest COMPLETED.
 */
export interface GeneratedSagas {
  first: number;
  count: number;
  start: Date;
  spacingMs: number;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The bench's finished state, with `%n$s` where format() puts each saga's values. */
function stateTemplate(): string {
  const step = (name: string, order: number, payload: object, message: string) => ({
    name,
    error: null,
    output: { paymentId: 'p', trackingId: 't', reservationId: 'r' },
    status: 'SUCCEEDED',
    payload,
    attempts: 1,
    startedAt: '%3$s',
    finishedAt: '%4$s',
    messageIds: [message],
    budgetStart: 0,
    outstanding: null,
    compensation: null,
    completionOrder: order,
    answeredMessageIds: [message],
    lastAttemptTimedOut: false,
  });
  const state = {
    id: '%1$s',
    name: 'order-fulfillment',
    input: { orderId: '%2$s' },
    steps: [
      step('reserve-inventory', 1, { orderId: '%2$s' }, '%6$s'),
      step('charge-payment', 2, { orderId: '%2$s', reservationId: 'r' }, '%7$s'),
      step('schedule-shipment', 3, { orderId: '%2$s' }, '%8$s'),
    ],
    trace: null,
    errors: [],
    status: '%5$s',
    version: 1,
    createdAt: '%3$s',
    updatedAt: '%4$s',
    deadlineAt: null,
    suspension: null,
    correlationId: '%1$s',
    compensationCause: 'CAUSE',
  };
  return JSON.stringify(state).replace('"CAUSE"', '%9$s');
}

/** Per saga `g`: id, times and status, as every statement below derives them. */
const GENERATED = `
  SELECT g, md5('saga-' || g)::uuid AS id,
         $start::timestamptz + (g - 1) * make_interval(secs => $spacingMs::float8 / 1000) AS created_at,
         CASE WHEN g % 50 = 0 THEN 'COMPENSATION_FAILED' WHEN g % 25 = 0 THEN 'COMPENSATED' ELSE 'COMPLETED' END
           AS status
  FROM generate_series($first::int, $first::int + $count::int - 1) g`;

type Params = { first: number; count: number; start: string; spacingMs: number };
const params = (sagas: GeneratedSagas): Params => ({
  first: sagas.first,
  count: sagas.count,
  start: sagas.start.toISOString(),
  spacingMs: sagas.spacingMs,
});

const insertSagaRows = namedStatement<Params & { template: string }>(`
  INSERT INTO saga_instances (id, name, version, status, correlation_id, state, revision, last_seq, created_at,
                              updated_at, failing_step)
  SELECT id, 'order-fulfillment', 1, status, id::text,
         format($template, id, 'order-' || g, to_char(created_at AT TIME ZONE 'UTC', ${ISO}),
                to_char(finished_at AT TIME ZONE 'UTC', ${ISO}), status,
                md5(g || '-1')::uuid, md5(g || '-2')::uuid, md5(g || '-3')::uuid,
                CASE WHEN status = 'COMPLETED' THEN 'null'
                     ELSE format('{"at": "%s", "step": "schedule-shipment", "reason": "step-failed"}',
                                 to_char(finished_at AT TIME ZONE 'UTC', ${ISO})) END)::jsonb,
         7, 8, created_at, finished_at,
         CASE WHEN status = 'COMPLETED' THEN NULL ELSE 'schedule-shipment' END
  FROM (SELECT *, created_at + interval '150 milliseconds' AS finished_at FROM (${GENERATED}) generated) s`);

/** Log rows per saga: SagaStarted, a CommandSent and StepSucceeded pair per step, SagaCompleted. */
const insertLogRows = namedStatement<Params & { perSaga: number }>(`
  INSERT INTO saga_events (saga_id, seq, type, step, data, at)
  SELECT id, seq,
         CASE WHEN seq = 1 THEN 'SagaStarted' WHEN seq = $perSaga::int THEN 'SagaCompleted'
              WHEN seq % 2 = 0 THEN 'CommandSent' ELSE 'StepSucceeded' END,
         CASE WHEN seq IN (1, $perSaga::int) THEN NULL ELSE 'step-' || seq / 2 END,
         CASE WHEN seq % 2 = 0
              THEN jsonb_build_object('kind', 'action', 'type', 'ReserveInventory', 'attempt', 1,
                                      'deadline', created_at + interval '60 seconds',
                                      'messageId', md5(g || '-' || seq)::uuid)
              ELSE jsonb_build_object('output', jsonb_build_object('reservationId', 'r'), 'attempt', 1,
                                      'inReplyTo', md5(g || '-' || seq - 1)::uuid,
                                      'messageId', md5(g || '-r' || seq)::uuid) END,
         created_at + seq * interval '15 milliseconds'
  FROM (${GENERATED}) generated, generate_series(1, $perSaga::int) seq`);

/** One processed reply per step. */
const insertReplyRows = namedStatement<Params & { perSaga: number }>(`
  INSERT INTO processed_replies (message_id, saga_id, processed_at)
  SELECT md5(g || '-r' || reply)::uuid::text, id, created_at + reply * interval '30 milliseconds'
  FROM (${GENERATED}) generated, generate_series(1, $perSaga::int) reply`);

export async function insertFinishedSagas(db: ClientBase, sagas: GeneratedSagas): Promise<void> {
  await db.query(insertSagaRows({ ...params(sagas), template: stateTemplate() }));
}

export async function insertSagaLog(db: ClientBase, sagas: GeneratedSagas, perSaga: number): Promise<void> {
  await db.query(insertLogRows({ ...params(sagas), perSaga }));
}

export async function insertProcessedReplies(
  db: ClientBase,
  sagas: GeneratedSagas,
  perSaga: number,
): Promise<void> {
  await db.query(insertReplyRows({ ...params(sagas), perSaga }));
}
