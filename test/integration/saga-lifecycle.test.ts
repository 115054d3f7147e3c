import type { Command, JsonObject } from 'saga-orchestrator-sdk/contracts';
import { orderSagaYaml } from '../support/order-saga';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/**
 * Each saga's orderId selects how the participants behave, so one engine and one set of participants
 * serve every scenario of this file.
 */
type Behaviour = (command: Command, attemptsSoFar: number) => ScriptedAnswer;
const scenarios = new Map<string, Partial<Record<string, Behaviour>>>();
const succeed: Behaviour = (command) => ({ outcome: 'success', output: defaultOutput(command) });

function defaultOutput(command: Command): JsonObject {
  switch (command.type) {
    case 'ReserveInventory':
      return { reservationId: `r-${command.payload.orderId as string}` };
    case 'ChargePayment':
      return { paymentId: `p-${command.payload.orderId as string}` };
    case 'ScheduleShipment':
      return { trackingId: `t-${command.payload.orderId as string}` };
    default:
      return {};
  }
}

function script(command: Command, received: { command: Command }[]): ScriptedAnswer {
  const orderId = command.payload.orderId as string;
  const behaviour = scenarios.get(orderId)?.[command.type] ?? succeed;
  const attemptsSoFar = received.filter(
    (r) => r.command.saga.id === command.saga.id && r.command.type === command.type,
  ).length;
  return behaviour(command, attemptsSoFar);
}

describe('saga lifecycle over real PostgreSQL and RabbitMQ', () => {
  let engine: TestEngine;
  let inventory: ScriptedParticipant;
  let payments: ScriptedParticipant;
  let shipping: ScriptedParticipant;

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
    inventory = new ScriptedParticipant(engine.amqpUrl, 'inventory', script);
    payments = new ScriptedParticipant(engine.amqpUrl, 'payments', script);
    shipping = new ScriptedParticipant(engine.amqpUrl, 'shipping', script);
    await Promise.all([inventory.start(), payments.start(), shipping.start()]);
  });

  afterAll(async () => {
    await Promise.all([inventory?.stop(), payments?.stop(), shipping?.stop()]);
    await engine?.stop();
  });

  async function startSaga(
    orderId: string,
    amount = 10,
    headers: Record<string, string> = {},
  ): Promise<string> {
    const response = await engine.request(
      'POST',
      '/api/sagas',
      { name: 'order-fulfillment', input: { orderId, amount } },
      headers,
    );
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function finalSaga(id: string) {
    return waitFor(`saga ${id} to finish`, async () => {
      const { body } = await engine.request('GET', `/api/sagas/${id}`);
      return ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'].includes(body.status) ? body : undefined;
    });
  }

  function commandTypes(sagaId: string): string[] {
    return [inventory, payments, shipping]
      .flatMap((p) => p.received)
      .filter((r) => r.command.saga.id === sagaId)
      .sort((a, b) => a.command.timestamp.localeCompare(b.command.timestamp))
      .map((r) => `${r.command.type}#${r.command.attempt}`);
  }

  it('runs three steps to COMPLETED, each action once, outputs flowing into later payloads', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const id = await startSaga('happy-1', 42, {
      traceparent,
      tracestate: 'vendor=1',
      'X-Request-Id': 'req-1',
    });
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPLETED');
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(saga.steps.map((s: { attempts: number }) => s.attempts)).toEqual([1, 1, 1]);
    expect(saga.steps[2].output).toEqual({ trackingId: 't-happy-1' });
    expect(commandTypes(id)).toEqual(['ReserveInventory#1', 'ChargePayment#1', 'ScheduleShipment#1']);

    const [charge] = payments.commands({ sagaId: id, type: 'ChargePayment' });
    expect(charge?.payload).toEqual({ orderId: 'happy-1', amount: 42, reservationId: 'r-happy-1' });
    const [ship] = shipping.commands({ sagaId: id, type: 'ScheduleShipment' });
    expect(ship?.payload).toEqual({ orderId: 'happy-1', label: 'order happy-1 paid with p-happy-1' });
    expect(ship?.idempotency_key).toBe(`${id}:schedule-shipment:action`);
    expect(ship?.causation_id).not.toBe(charge?.causation_id);
    const [reserve] = inventory.commands({ sagaId: id });
    expect(reserve?.causation_id).toBe('req-1');
    for (const participant of [inventory, payments, shipping]) {
      const commands = participant.received.filter((r) => r.command.saga.id === id);
      expect(commands.map((r) => r.headers)).toEqual(
        commands.map(() => ({ traceparent, tracestate: 'vendor=1' })),
      );
    }

    const received = inventory.received.find((r) => r.command.saga.id === id);
    expect(received?.properties).toMatchObject({
      messageId: received?.command.message_id,
      correlationId: id,
      type: 'ReserveInventory',
      replyTo: 'sagas.replies',
      contentType: 'application/json',
      deliveryMode: 2,
    });

    const { body: log } = await engine.request('GET', `/api/sagas/${id}/events`);
    const types = log.items.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('SagaStarted');
    expect(types[types.length - 1]).toBe('SagaCompleted');
    expect(log.items.map((e: { seq: number }) => e.seq)).toEqual(types.map((_: string, i: number) => i + 1));
  });

  it('compensates steps 2 then 1 when step 3 fails without retry; step 3 itself is not compensated', async () => {
    scenarios.set('fail-3', {
      ScheduleShipment: () => ({ outcome: 'failure', code: 'NO_CARRIER', retryable: false }),
    });
    const id = await startSaga('fail-3');
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPENSATED');
    expect(commandTypes(id)).toEqual([
      'ReserveInventory#1',
      'ChargePayment#1',
      'ScheduleShipment#1',
      'RefundPayment#1',
      'ReleaseInventory#1',
    ]);
    expect(saga.steps[2]).toMatchObject({
      status: 'FAILED',
      compensation: null,
      error: { code: 'NO_CARRIER' },
    });
    expect(saga.steps[1].compensation).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(saga.steps[0].compensation).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const [refund] = payments.commands({ sagaId: id, type: 'RefundPayment' });
    expect(refund).toMatchObject({
      kind: 'compensation',
      idempotency_key: `${id}:charge-payment:compensation`,
      payload: {
        orderId: 'fail-3',
        amount: 10,
        reservationId: 'r-fail-3',
        output: { paymentId: 'p-fail-3' },
      },
    });
  });

  it('compensates the step whose attempts all timed out (outcome unknown), then the earlier one', async () => {
    scenarios.set('silent-2', { ChargePayment: () => ({ outcome: 'no-reply' }) });
    const id = await startSaga('silent-2');
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPENSATED');
    expect(commandTypes(id)).toEqual([
      'ReserveInventory#1',
      'ChargePayment#1',
      'ChargePayment#2',
      'RefundPayment#1',
      'ReleaseInventory#1',
    ]);
    expect(saga.steps[1]).toMatchObject({ status: 'UNKNOWN', attempts: 2, error: { code: 'TIMEOUT' } });
    expect(
      saga.steps[1].history.map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`),
    ).toEqual(['action:timeout', 'action:timeout', 'compensation:success']);
    const [refund] = payments.commands({ sagaId: id, type: 'RefundPayment' });
    expect(refund?.payload.output).toBeNull();
    const [retry] = payments.commands({ sagaId: id, type: 'ChargePayment' }).filter((c) => c.attempt === 2);
    const [first] = payments.commands({ sagaId: id, type: 'ChargePayment' }).filter((c) => c.attempt === 1);
    expect(retry?.causation_id).toBe(first?.message_id);
    expect(retry?.idempotency_key).toBe(first?.idempotency_key);
  });

  it('retries a retryable failure and completes with attempts = 2', async () => {
    scenarios.set('flaky-1', {
      ChargePayment: (command, attempts) =>
        attempts === 1
          ? { outcome: 'failure', code: 'GATEWAY_DOWN', retryable: true }
          : { outcome: 'success', output: defaultOutput(command) },
    });
    const id = await startSaga('flaky-1');
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPLETED');
    expect(saga.steps[1]).toMatchObject({ status: 'SUCCEEDED', attempts: 2, error: null });
    expect(saga.steps[1].history).toEqual([
      expect.objectContaining({
        kind: 'action',
        attempt: 1,
        outcome: 'failure',
        error: expect.objectContaining({ code: 'GATEWAY_DOWN' }),
      }),
      expect.objectContaining({
        kind: 'action',
        attempt: 2,
        outcome: 'success',
        output: { paymentId: 'p-flaky-1' },
      }),
    ]);
    expect(saga.steps[1].history.every((a: { durationMs: number }) => a.durationMs >= 0)).toBe(true);
    expect(commandTypes(id)).toEqual([
      'ReserveInventory#1',
      'ChargePayment#1',
      'ChargePayment#2',
      'ScheduleShipment#1',
    ]);
  });

  it('ends COMPENSATION_FAILED when a compensation keeps failing, visible through the API', async () => {
    scenarios.set('stuck-1', {
      ScheduleShipment: () => ({ outcome: 'failure', code: 'NO_CARRIER', retryable: false }),
      RefundPayment: () => ({ outcome: 'failure', code: 'BANK_DOWN', retryable: true }),
    });
    const id = await startSaga('stuck-1');
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPENSATION_FAILED');
    expect(saga.steps[1].compensation).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      error: { code: 'BANK_DOWN' },
    });
    expect(saga.steps[0].compensation).toBeNull();
    expect(payments.commands({ sagaId: id, type: 'RefundPayment' })).toHaveLength(3);
    expect(inventory.commands({ sagaId: id, type: 'ReleaseInventory' })).toHaveLength(0);

    const { body: list } = await engine.request('GET', '/api/sagas?status=COMPENSATION_FAILED');
    expect(list.items.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('resumes a COMPENSATION_FAILED saga on POST /api/sagas/{id}/retry; 409 once it is compensated, 404 for an unknown saga', async () => {
    let refundWorks = false;
    scenarios.set('resume-1', {
      ScheduleShipment: () => ({ outcome: 'failure', code: 'NO_CARRIER', retryable: false }),
      RefundPayment: () =>
        refundWorks
          ? { outcome: 'success', output: {} }
          : { outcome: 'failure', code: 'BANK_DOWN', retryable: true },
    });
    const id = await startSaga('resume-1');
    expect((await finalSaga(id)).status).toBe('COMPENSATION_FAILED');

    refundWorks = true;
    const retried = await engine.request('POST', `/api/sagas/${id}/retry`, undefined, {
      'X-Request-Id': 'op-1',
    });
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ id, status: 'COMPENSATING' });
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPENSATED');
    expect(saga.steps[1].compensation).toMatchObject({ status: 'SUCCEEDED', attempts: 4 });
    expect(saga.steps[0].compensation).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const resumed = payments.commands({ sagaId: id, type: 'RefundPayment' }).find((c) => c.attempt === 4);
    expect(resumed?.causation_id).toBe('op-1');
    const { body: log } = await engine.request('GET', `/api/sagas/${id}/events`);
    expect(log.items.map((e: { type: string }) => e.type)).toContain('SagaRetried');

    const again = await engine.request('POST', `/api/sagas/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('SAGA_STATUS_CONFLICT');
    expect(
      (await engine.request('POST', '/api/sagas/00000000-0000-4000-8000-000000000000/retry')).status,
    ).toBe(404);
  });

  it('aborts a RUNNING saga on POST /api/sagas/{id}/abort with a reason; 409 once it has ended', async () => {
    scenarios.set('abort-1', { ChargePayment: () => ({ outcome: 'no-reply' }) });
    const id = await startSaga('abort-1');
    await waitFor('the charge command', () =>
      payments.commands({ sagaId: id }).length > 0 ? true : undefined,
    );

    const missingReason = await engine.request('POST', `/api/sagas/${id}/abort`, {});
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.details).toEqual([{ path: 'reason', message: expect.any(String) }]);
    const aborted = await engine.request('POST', `/api/sagas/${id}/abort`, { reason: 'customer cancelled' });
    expect(aborted.status).toBe(202);
    const saga = await finalSaga(id);

    expect(saga.status).toBe('COMPENSATED');
    expect(saga.steps[1]).toMatchObject({ status: 'UNKNOWN', compensation: { status: 'SUCCEEDED' } });
    expect(commandTypes(id)).toEqual([
      'ReserveInventory#1',
      'ChargePayment#1',
      'RefundPayment#1',
      'ReleaseInventory#1',
    ]);
    const { body: log } = await engine.request('GET', `/api/sagas/${id}/events`);
    expect(log.items).toContainEqual(
      expect.objectContaining({ type: 'SagaAborted', data: { reason: 'customer cancelled', actor: null } }),
    );
    const again = await engine.request('POST', `/api/sagas/${id}/abort`, { reason: 'again' });
    expect(again.status).toBe(409);
  });

  it('exposes Prometheus metrics that moved with the sagas above', async () => {
    const response = await fetch(`${engine.baseUrl}/metrics`);
    const text = await response.text();
    const value = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(value('saga_started_total\\{saga="order-fulfillment"\\}')).toBeGreaterThanOrEqual(7);
    expect(
      value('saga_finished_total\\{saga="order-fulfillment",status="COMPLETED"\\}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value('saga_finished_total\\{saga="order-fulfillment",status="COMPENSATED"\\}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value('saga_step_duration_seconds_count\\{saga="order-fulfillment",step="charge-payment"\\}'),
    ).toBeGreaterThanOrEqual(3);
    expect(value('saga_timers_pending')).toBeGreaterThanOrEqual(0);
    expect(value('saga_outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('summarises the sagas above on GET /api/stats', async () => {
    const { status, body } = await engine.request('GET', '/api/stats?name=order-fulfillment');
    expect(status).toBe(200);
    const count = (state: string) =>
      body.counts.find((c: { status: string }) => c.status === state)?.count as number | undefined;

    expect(count('COMPLETED')).toBeGreaterThanOrEqual(2);
    expect(count('COMPENSATED')).toBeGreaterThanOrEqual(3);
    const started = body.startedPerMinute.reduce((sum: number, m: { count: number }) => sum + m.count, 0);
    expect(started).toBe(body.counts.reduce((sum: number, c: { count: number }) => sum + c.count, 0));
    expect(body.duration.finished).toBeGreaterThanOrEqual(5);
    expect(body.duration.p50Ms).toBeGreaterThan(0);
    expect(body.duration.p99Ms).toBeGreaterThanOrEqual(body.duration.p50Ms);
    const shipping = body.steps.find((s: { step: string }) => s.step === 'schedule-shipment');
    expect(shipping.failed).toBeGreaterThanOrEqual(2);
    expect(shipping.failureRate).toBeCloseTo(shipping.failed / shipping.ran, 3);
    const charge = body.steps.find((s: { step: string }) => s.step === 'charge-payment');
    expect(charge.compensated).toBeGreaterThanOrEqual(3);
    expect(body.deadLetters).toEqual({ stored: 0, inQueue: 0 });
    expect(body.pastDeadline).toBe(0);
    expect((await engine.request('GET', '/api/stats?since=yesterday')).status).toBe(400);
  });
});
