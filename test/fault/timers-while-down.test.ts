import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestDatabase, reserveTestDatabase } from '../support/database';
import { EngineProcess } from '../support/engine-process';
import { readSagas } from '../support/invariants';
import { orderSagaYaml } from '../support/order-saga';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { ScriptedParticipant } from '../support/scripted-participant';
import { waitFor } from '../support/wait-for';

describe('timers that fall due while the engine is down', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let sagasDir: string;
  let engine: EngineProcess;
  const participants: ScriptedParticipant[] = [];

  beforeAll(async () => {
    database = reserveTestDatabase();
    vhost = await createVhost('fault');
    sagasDir = mkdtempSync(join(tmpdir(), 'fault-sagas-'));
    writeFileSync(join(sagasDir, 'order-fulfillment.yaml'), orderSagaYaml());
    engine = new EngineProcess('engine', { databaseUrl: database.url, amqpUrl: vhost.url, sagasDir });
    await engine.start();
  });

  afterAll(async () => {
    await engine?.stop('SIGKILL');
    await Promise.all(participants.map((p) => p.stop()));
    await vhost?.drop();
    await database?.drop();
    rmSync(sagasDir, { recursive: true, force: true });
  });

  it('fire after a SIGKILL and restart: attempt timeouts and retries of 20 sagas', async () => {
    // The first attempt of every ReserveInventory goes unanswered; the retry is answered.
    const inventory = new ScriptedParticipant(vhost.url, 'inventory', (command) =>
      command.attempt === 1 && command.kind === 'action'
        ? { outcome: 'no-reply' }
        : { outcome: 'success', output: { reservationId: 'r' } },
    );
    participants.push(
      inventory,
      ...['payments', 'shipping'].map(
        (name) =>
          new ScriptedParticipant(vhost.url, name, () => ({
            outcome: 'success',
            output: { paymentId: 'p' },
          })),
      ),
    );
    await Promise.all(participants.map((p) => p.start()));

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${engine.baseUrl}/api/sagas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'order-fulfillment', input: { orderId: `t-${i}`, amount: 1 } }),
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    await waitFor('20 first attempts', () => (inventory.received.length >= 20 ? true : undefined));
    await engine.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // every 400 ms attempt timeout falls due meanwhile
    expect(inventory.received).toHaveLength(20);

    await engine.start();
    await waitFor('all 20 sagas to complete', async () => {
      const sagas = await readSagas(database.url);
      return [...sagas.values()].every(({ state }) => state.status === 'COMPLETED') ? true : undefined;
    });
    const sagas = await readSagas(database.url);
    for (const id of ids) {
      const { state, log } = sagas.get(id)!;
      expect(state.steps[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      expect(log.filter((row) => row.type === 'StepAttemptTimedOut')).toHaveLength(1);
    }
  });
});
