import { createHash } from 'node:crypto';
import type { Command } from 'saga-orchestrator-sdk/contracts';
import { orderSagaYaml } from '../support/order-saga';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const ADMIN = { authorization: 'Bearer admin-key' };
const READER = { authorization: 'Bearer reader-key' };
const adminFingerprint = createHash('sha256').update('admin-key').digest('hex').slice(0, 8);

/** How the participants answer, by the order id's first word: one engine serves every scenario. */
function answer(command: Command): ScriptedAnswer {
  const scenario = String(command.payload.orderId).split('-')[0];
  if (scenario === 'hold' && command.type === 'ChargePayment') return { outcome: 'no-reply' };
  if ((scenario === 'stuck' || scenario === 'declined') && command.type === 'ScheduleShipment') {
    return { outcome: 'failure', code: 'NO_CARRIER', retryable: false };
  }
  if (scenario === 'stuck' && command.type === 'RefundPayment') {
    return { outcome: 'failure', code: 'LEDGER_CLOSED', retryable: false };
  }
  return { outcome: 'success', output: { reservationId: 'r-1', paymentId: 'p-1', trackingId: 't-1' } };
}

describe('operator endpoints (CONTRACT §8) over real PostgreSQL and RabbitMQ', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order.yaml': orderSagaYaml({ stepTimeout: '60s' }) },
      env: { API_KEYS: 'reader-key:read, admin-key:admin' },
    });
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) => new ScriptedParticipant(engine.amqpUrl, name, answer),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
  });

  const post = (path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
    engine.request('POST', path, body, headers);
  const sagaOf = async (id: string) =>
    (await engine.request('GET', `/api/sagas/${id}`, undefined, ADMIN)).body;
  const logOf = async (id: string) =>
    (await engine.request('GET', `/api/sagas/${id}/events`, undefined, ADMIN)).body.items as Array<{
      type: string;
      step?: string;
      data: Record<string, unknown>;
    }>;
  async function start(orderId: string): Promise<string> {
    const response = await post('/api/sagas', { name: 'order-fulfillment', input: { orderId, amount: 7 } });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }
  function reaches(id: string, status: string) {
    return waitFor(`saga ${id} to be ${status}`, async () => {
      const saga = await sagaOf(id);
      return saga.status === status ? saga : undefined;
    });
  }
  const chargeOf = (id: string) =>
    waitFor(`the charge of ${id}`, async () =>
      participants[1]!.commands({ sagaId: id, type: 'ChargePayment' }).at(0),
    );

  describe('POST /api/sagas/{id}/steps/{step}/complete', () => {
    it('takes a running step as succeeded with the output given; the saga goes on and the log keeps who and why', async () => {
      const id = await start('hold-1');
      await chargeOf(id);
      const path = `/api/sagas/${id}/steps/charge-payment/complete`;
      const body = { output: { paymentId: 'paid-at-the-counter' }, reason: 'customer paid in cash' };

      expect(await post(path, body, READER)).toMatchObject({ status: 403 });
      const done = await post(path, body);
      expect(done.status).toBe(202);
      expect(done.body).toEqual({ id, status: 'RUNNING' });

      const saga = await reaches(id, 'COMPLETED');
      expect(saga.steps[1]).toMatchObject({
        status: 'SUCCEEDED',
        output: { paymentId: 'paid-at-the-counter' },
      });
      const shipment = participants[2]!.commands({ sagaId: id, type: 'ScheduleShipment' })[0]!;
      expect(shipment.payload.label).toContain('paid-at-the-counter');
      expect((await logOf(id)).find((entry) => entry.type === 'StepCompletedByOperator')).toMatchObject({
        step: 'charge-payment',
        data: { reason: 'customer paid in cash', actor: adminFingerprint },
      });

      // Asked again: already in effect.
      expect(await post(path, body)).toMatchObject({ status: 200, body: { id, status: 'COMPLETED' } });
    });

    it('answers 404 for an unknown step or saga, 409 naming the status for a step not running, 400 without a reason', async () => {
      const id = await start('hold-2');
      await chargeOf(id);
      const unknownStep = await post(`/api/sagas/${id}/steps/nope/complete`, { output: {}, reason: 'x' });
      expect(unknownStep).toMatchObject({ status: 404, body: { error: 'STEP_NOT_FOUND' } });
      const unknownSaga = await post(
        '/api/sagas/00000000-0000-4000-8000-000000000000/steps/charge-payment/complete',
        { output: {}, reason: 'x' },
      );
      expect(unknownSaga.status).toBe(404);
      const notStarted = await post(`/api/sagas/${id}/steps/schedule-shipment/complete`, {
        output: {},
        reason: 'x',
      });
      expect(notStarted.status).toBe(409);
      expect(notStarted.body.message).toContain('is RUNNING');
      expect(notStarted.body.message).toContain('its action is PENDING');
      const noReason = await post(`/api/sagas/${id}/steps/charge-payment/complete`, { output: {} });
      expect(noReason).toMatchObject({ status: 400, body: { details: [{ path: 'reason' }] } });
    });
  });

  describe('POST /api/sagas/{id}/steps/{step}/compensation/complete', () => {
    it('takes a failed compensation as done: a COMPENSATION_FAILED saga goes on compensating and ends COMPENSATED', async () => {
      const id = await start('stuck-1');
      const failed = await reaches(id, 'COMPENSATION_FAILED');
      expect(failed.errors).toEqual([expect.objectContaining({ step: 'charge-payment' })]);
      const path = `/api/sagas/${id}/steps/charge-payment/compensation/complete`;

      expect(await post(path, { reason: 'refunded by hand' }, READER)).toMatchObject({ status: 403 });
      const wrongStep = await post(`/api/sagas/${id}/steps/reserve-inventory/compensation/complete`, {
        reason: 'x',
      });
      expect(wrongStep.status).toBe(409);
      expect(wrongStep.body.message).toContain('is COMPENSATION_FAILED');

      const done = await post(path, { reason: 'refunded by hand' });
      expect(done.status).toBe(202);
      const saga = await reaches(id, 'COMPENSATED');
      expect(saga.errors).toEqual([]);
      expect(participants[0]!.commands({ sagaId: id, type: 'ReleaseInventory' })).toHaveLength(1);
      expect(
        (await logOf(id)).find((entry) => entry.type === 'CompensationCompletedByOperator'),
      ).toMatchObject({
        step: 'charge-payment',
        data: { reason: 'refunded by hand', actor: adminFingerprint },
      });
      expect(await post(path, { reason: 'again' })).toMatchObject({
        status: 200,
        body: { status: 'COMPENSATED' },
      });
    });
  });

  describe('POST /api/sagas/{id}/rerun', () => {
    it('starts a terminal saga again with new input; both sagas show the link; the log keeps who and why', async () => {
      const old = await start('declined-1');
      await reaches(old, 'COMPENSATED');
      const input = { orderId: 'fine-1', amount: 7 };

      expect(await post(`/api/sagas/${old}/rerun`, { input }, READER)).toMatchObject({ status: 403 });
      const rerun = await post(
        `/api/sagas/${old}/rerun`,
        { input, reason: 'carrier back' },
        {
          ...ADMIN,
          'idempotency-key': `rerun-${old}`,
        },
      );
      expect(rerun.status).toBe(201);
      expect(rerun.body).toMatchObject({ name: 'order-fulfillment', version: 1, rerunOf: old });
      const again = await post(
        `/api/sagas/${old}/rerun`,
        { input, reason: 'carrier back' },
        {
          ...ADMIN,
          'idempotency-key': `rerun-${old}`,
        },
      );
      expect(again).toMatchObject({ status: 200, body: { id: rerun.body.id } });

      const fresh = await reaches(rerun.body.id, 'COMPLETED');
      expect(fresh).toMatchObject({ rerunOf: old, reruns: [], input });
      expect((await sagaOf(old)).reruns).toEqual([rerun.body.id]);
      expect((await logOf(rerun.body.id))[0]).toMatchObject({
        type: 'SagaStarted',
        data: { rerunOf: old, reason: 'carrier back', actor: adminFingerprint },
      });

      // Without input, the old saga's input is used.
      const same = await post(`/api/sagas/${old}/rerun`);
      expect(same.status).toBe(201);
      expect((await sagaOf(same.body.id)).input).toEqual({ orderId: 'declined-1', amount: 7 });
    });

    it('refuses a saga that has not ended (409), an unknown one (404) and input the definition refuses (400)', async () => {
      const running = await start('hold-3');
      await chargeOf(running);
      const refused = await post(`/api/sagas/${running}/rerun`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('is RUNNING');
      expect((await post('/api/sagas/00000000-0000-4000-8000-000000000000/rerun')).status).toBe(404);
      const ended = await start('fine-2');
      await reaches(ended, 'COMPLETED');
      const badInput = await post(`/api/sagas/${ended}/rerun`, { input: { orderId: 'x' } });
      expect(badInput.status).toBe(400);
    });
  });

  it('logs the acting key and the reason of a retry and an abort too', async () => {
    const id = await start('hold-4');
    await chargeOf(id);
    expect((await post(`/api/sagas/${id}/abort`, { reason: 'customer left' })).status).toBe(202);
    await reaches(id, 'COMPENSATED');
    expect((await logOf(id)).find((entry) => entry.type === 'SagaAborted')?.data).toEqual({
      reason: 'customer left',
      actor: adminFingerprint,
    });

    const stuck = await start('stuck-2');
    await reaches(stuck, 'COMPENSATION_FAILED');
    expect((await post(`/api/sagas/${stuck}/retry`, { reason: 'ledger reopened' })).status).toBe(202);
    expect((await logOf(stuck)).find((entry) => entry.type === 'SagaRetried')?.data).toMatchObject({
      reason: 'ledger reopened',
      actor: adminFingerprint,
    });
  });
});
