import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChannelModel, connect } from 'amqplib';
import { stringify } from 'yaml';
import type { Command, JsonObject } from 'saga-orchestrator-sdk/contracts';
import { orderSagaDocument } from '../support/order-saga';
import { answerByHand } from '../support/reply-by-hand';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

type Steps = Array<Record<string, unknown>>;
/** The order saga at `version`, its steps changed by `change`; long timeouts: the test answers by hand. */
function orderVersion(version: number, change: (steps: Steps) => Steps = (steps) => steps): string {
  const document = orderSagaDocument({ version, stepTimeout: '60s' });
  return stringify({ ...document, steps: change(document.steps as Steps) }, { lineWidth: 0 });
}
const v2 = orderVersion(2, (steps) => [
  ...steps.slice(0, 2),
  { ...steps[2], action: 'BookCourier' },
  {
    name: 'notify',
    participant: 'shipping',
    action: 'Notify',
    timeout: '60s',
    payload: { orderId: '${input.orderId}' },
  },
]);
const v3 = orderVersion(3, (steps) => [{ ...steps[0], participant: 'warehouse' }, ...steps.slice(1)]);

describe('moving running sagas to another version of their definition', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];
  let broker: ChannelModel;
  const held: Command[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order.yaml': orderVersion(1) } });
    // Versions 2 and 3 are stored (a reload with their files), and version 1 stays current for new sagas.
    writeFileSync(join(engine.sagasDir, 'v2.yaml'), v2);
    writeFileSync(join(engine.sagasDir, 'v3.yaml'), v3);
    expect((await engine.request('POST', '/api/definitions/reload')).status).toBe(200);
    rmSync(join(engine.sagasDir, 'v2.yaml'));
    rmSync(join(engine.sagasDir, 'v3.yaml'));
    expect((await engine.request('POST', '/api/definitions/reload')).body.items[0]).toMatchObject({
      currentVersion: 1,
      versions: [1, 2, 3],
    });
    participants = ['inventory', 'payments', 'shipping', 'warehouse'].map(
      (name) =>
        new ScriptedParticipant(engine.amqpUrl, name, (command) => {
          if (command.type === 'ChargePayment') {
            held.push(command);
            return { outcome: 'no-reply' };
          }
          return { outcome: 'success', output: { reservationId: 'r', trackingId: 't' } };
        }),
    );
    await Promise.all(participants.map((participant) => participant.start()));
    broker = await connect(engine.amqpUrl);
  });

  afterAll(async () => {
    await broker?.close();
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
  });

  async function startOnVersion1(orderId: string): Promise<string> {
    const { body } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId, amount: 3 },
    });
    return body.id as string;
  }
  const heldFor = (id: string) =>
    waitFor(`the charge of ${id}`, async () => held.find((c) => c.saga.id === id));
  const answer = (command: Command, output: JsonObject) => answerByHand(broker, command, output);
  const sagaOf = async (id: string) => (await engine.request('GET', `/api/sagas/${id}`)).body;

  it('moves a saga whose started steps are unchanged; the answer to its outstanding attempt completes it on the new version', async () => {
    const id = await startOnVersion1('one');
    const charge = await heldFor(id);
    expect((await sagaOf(id)).version).toBe(1);

    const moved = await engine.request('POST', `/api/sagas/${id}/migrate`, { version: 2, reason: 'courier' });
    expect(moved.status).toBe(202);
    expect(moved.body).toEqual({ id, status: 'RUNNING', version: 2 });
    expect(
      (await engine.request('POST', `/api/sagas/${id}/migrate`, { version: 2, reason: 'again' })).status,
    ).toBe(200);

    await answer(charge, { paymentId: 'p-1' });
    const saga = await waitFor('the migrated saga to complete', async () => {
      const body = await sagaOf(id);
      return body.status === 'COMPLETED' ? body : undefined;
    });
    expect(saga.version).toBe(2);
    expect(saga.steps.map((step: { name: string }) => step.name)).toEqual([
      'reserve-inventory',
      'charge-payment',
      'schedule-shipment',
      'notify',
    ]);
    const shipping = participants[2]!.commands({ sagaId: id }).map((c) => `${c.type} v${c.saga.version}`);
    expect(shipping).toEqual(['BookCourier v2', 'Notify v2']);
    const events = (await engine.request('GET', `/api/sagas/${id}/events`)).body.items;
    expect(events.find((event: { type: string }) => event.type === 'SagaMigrated').data).toEqual({
      from: 1,
      to: 2,
      reason: 'courier',
      actor: null,
    });
  });

  it('refuses a version that changed a started step, with one detail per reason, and changes nothing', async () => {
    const id = await startOnVersion1('two');
    await heldFor(id);
    const refused = await engine.request('POST', `/api/sagas/${id}/migrate`, { version: 3, reason: 'move' });

    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('MIGRATION_REFUSED');
    expect(refused.body.details).toEqual([
      { path: 'steps.reserve-inventory', message: expect.stringContaining('participant "inventory"') },
    ]);
    expect((await sagaOf(id)).version).toBe(1);
    const unknown = await engine.request('POST', `/api/sagas/${id}/migrate`, { version: 9, reason: 'move' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ path: 'version' })]);
  });

  it('moves every running saga of a version, after a dry run that changes nothing', async () => {
    const ids = [await startOnVersion1('bulk-1'), await startOnVersion1('bulk-2')];
    await Promise.all(ids.map(heldFor));
    const body = { name: 'order-fulfillment', fromVersion: 1, toVersion: 2, reason: 'courier for all' };

    const dry = await engine.request('POST', '/api/sagas/migrate', { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.refused).toEqual([]);
    expect(dry.body.migrated).toBeGreaterThanOrEqual(2);
    expect((await sagaOf(ids[0]!)).version).toBe(1);

    const refusedAll = await engine.request('POST', '/api/sagas/migrate', { ...body, toVersion: 3 });
    expect(refusedAll.body.migrated).toBe(0);
    expect(refusedAll.body.refused.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(ids));

    const done = await engine.request('POST', '/api/sagas/migrate', body);
    expect(done.body).toEqual({ migrated: dry.body.migrated, refused: [], dryRun: false });
    for (const id of ids) expect((await sagaOf(id)).version).toBe(2);
  });
});
