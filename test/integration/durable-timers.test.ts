import { orderSagaYaml } from '../support/order-saga';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

describe('durable timers', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
  });

  afterAll(async () => {
    await Promise.all(participants.map((p) => p.stop()));
    await engine?.stop();
  });

  it('fires an attempt timeout that fell due while the engine was down, after it restarts', async () => {
    // Inventory stays silent on the first attempt and answers the retry.
    const inventory = new ScriptedParticipant(engine.amqpUrl, 'inventory', (command) =>
      command.attempt === 1
        ? { outcome: 'no-reply' }
        : { outcome: 'success', output: { reservationId: 'r' } },
    );
    const others = ['payments', 'shipping'].map(
      (name) => new ScriptedParticipant(engine.amqpUrl, name, () => ({ outcome: 'success', output: {} })),
    );
    participants = [inventory, ...others];
    await Promise.all(participants.map((p) => p.start()));

    const { body } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'restart-1', amount: 1 },
    });
    await waitFor('the first command', () => (inventory.received.length === 1 ? true : undefined));
    await engine.stopEngine();
    await new Promise((resolve) => setTimeout(resolve, 800)); // past the 400 ms attempt timeout
    expect(inventory.received).toHaveLength(1);

    await engine.restartEngine();
    const saga = await waitFor('the saga to complete after the restart', async () => {
      const { body: current } = await engine.request('GET', `/api/sagas/${body.id}`);
      return current.status === 'COMPLETED' ? current : undefined;
    });
    expect(saga.steps[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(inventory.received.map((r) => r.command.attempt)).toEqual([1, 2]);
  });
});
