import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reloadOnSighup } from '../../src/app/reload-on-sighup';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { orderSagaYaml } from '../support/order-saga';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

describe('reloading the definitions folder without a restart', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];
  const logged: string[] = [];
  const logger: Logger = {
    info: (message) => logged.push(`info ${message}`),
    warn: () => undefined,
    error: (message, fields) => logged.push(`error ${message} ${JSON.stringify(fields)}`),
  };

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order.yaml': orderSagaYaml() } });
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
  });

  const write = (file: string, text: string) => writeFileSync(join(engine.sagasDir, file), text);
  const definitions = async () => (await engine.request('GET', '/api/definitions')).body.items;

  it('stores a new version and starts new sagas on it; a saga started before keeps its version', async () => {
    const before = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'before', amount: 1 },
    });
    write('order.yaml', orderSagaYaml({ version: 2, stepTimeout: '1s' }));
    const reloaded = await engine.request('POST', '/api/definitions/reload');

    expect(reloaded.status).toBe(200);
    expect(reloaded.body.items).toEqual([
      expect.objectContaining({ name: 'order-fulfillment', currentVersion: 2, versions: [1, 2] }),
    ]);
    const after = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'after', amount: 1 },
    });
    expect(after.body.version).toBe(2);
    expect((await engine.request('GET', `/api/sagas/${before.body.id}`)).body.version).toBe(1);
  });

  it('declares the queue of a participant a new version names, and runs sagas with it', async () => {
    write(
      'refund.yaml',
      orderSagaYaml({ name: 'refund', version: 1 }).replace(/participant: shipping/, 'participant: audit'),
    );
    expect((await engine.request('POST', '/api/definitions/reload')).status).toBe(200);
    participants = ['inventory', 'payments', 'audit'].map(
      (name) =>
        new ScriptedParticipant(engine.amqpUrl, name, () => ({ outcome: 'success', output: {} }), {
          passive: true,
        }),
    );
    await waitFor('the audit queue to exist', async () => {
      try {
        const probe = new ScriptedParticipant(engine.amqpUrl, 'audit', () => ({ outcome: 'no-reply' }), {
          passive: true,
        });
        await probe.start();
        await probe.stop();
        return true;
      } catch {
        return undefined;
      }
    });
    await Promise.all(participants.map((participant) => participant.start()));
    const started = await engine.request('POST', '/api/sagas', {
      name: 'refund',
      input: { orderId: 'r', amount: 1 },
    });
    await waitFor('the refund saga to complete', async () => {
      const { body } = await engine.request('GET', `/api/sagas/${started.body.id}`);
      return body.status === 'COMPLETED' ? body : undefined;
    });
  });

  it('changes nothing when a file is invalid, and names the file and the path of every problem', async () => {
    const before = await definitions();
    write('broken.yaml', 'name: broken\nversion: 1\nsteps:\n  - name: a\n    participant: p\n    retyr: 3\n');
    write('order.yaml', orderSagaYaml({ version: 3 }));
    const refused = await engine.request('POST', '/api/definitions/reload');

    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('DEFINITIONS_INVALID');
    expect(refused.body.details).toEqual(
      expect.arrayContaining([
        { path: 'broken.yaml: steps.0.retyr', message: 'unknown field' },
        { path: 'broken.yaml: steps.0.action', message: expect.any(String) },
      ]),
    );
    expect(await definitions()).toEqual(before);
  });

  it('refuses a stored version whose file changed, and changes nothing', async () => {
    write('broken.yaml', orderSagaYaml({ name: 'other', version: 1 }));
    write('order.yaml', orderSagaYaml({ version: 2, stepTimeout: '9s' }));
    const before = await definitions();
    const refused = await engine.request('POST', '/api/definitions/reload');

    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      {
        path: 'order.yaml',
        message:
          'saga "order-fulfillment" version 2 differs from the stored definition; a changed definition needs a new version',
      },
    ]);
    expect(await definitions()).toEqual(before);
  });

  it('reloads on SIGHUP and logs what went wrong when it cannot', async () => {
    const stop = reloadOnSighup(engine.app, logger);
    try {
      process.emit('SIGHUP');
      await waitFor('the failed reload to be logged', async () =>
        logged.some((line) => line.startsWith('error saga definitions not reloaded')) ? true : undefined,
      );
      expect(logged.find((line) => line.startsWith('error'))).toContain(
        'order.yaml: saga \\"order-fulfillment\\" version 2 differs',
      );

      write('order.yaml', orderSagaYaml({ version: 3, stepTimeout: '9s' }));
      process.emit('SIGHUP');
      await waitFor('version 3 to be current', async () => {
        const items = await definitions();
        return items.find((item: { name: string }) => item.name === 'order-fulfillment').currentVersion === 3
          ? true
          : undefined;
      });
      expect((await definitions()).map((item: { name: string }) => item.name).sort()).toEqual([
        'order-fulfillment',
        'other',
        'refund',
      ]);
    } finally {
      stop();
    }
  });
});
