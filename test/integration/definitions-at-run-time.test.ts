import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApplication } from '../../src/app/application';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { DefinitionRegistry } from '../../src/definitions/definition-registry';
import { orderSagaYaml } from '../support/order-saga';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/** Keeps every error-level line an engine process logs. */
function errorRecorder(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    info: () => undefined,
    warn: () => undefined,
    error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
}

describe('a rolling deploy: two engine processes on different definition folders, one database and broker', () => {
  let older: TestEngine;
  let newer: INestApplication;
  let newerUrl: string;
  let newerDir: string;
  const olderLog = errorRecorder();
  const newerLog = errorRecorder();
  let participants: ScriptedParticipant[] = [];

  beforeAll(async () => {
    older = await startTestEngine({ sagas: { 'order.yaml': orderSagaYaml() }, logger: olderLog });
    newerDir = mkdtempSync(join(tmpdir(), 'sagas-newer-'));
    writeFileSync(join(newerDir, 'order.yaml'), orderSagaYaml({ version: 2, timeout: '2m' }));
    newer = await createApplication({ ...older.config, sagasDir: newerDir }, { logger: newerLog });
    await newer.listen(0, '127.0.0.1');
    newerUrl = await newer.getUrl();
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) =>
        new ScriptedParticipant(older.amqpUrl, name, (command) => ({
          outcome: 'success',
          output: { reservationId: `r-${command.saga.id}`, paymentId: 'p', trackingId: 't' },
        })),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await newer?.close();
    await older?.stop();
    rmSync(newerDir, { recursive: true, force: true });
  });

  it('finishes sagas of the newer version on whichever process takes their replies and timers, with no error', async () => {
    const olderRegistry = older.app.get(DefinitionRegistry);
    expect(olderRegistry.get('order-fulfillment', 2)).toBeUndefined();

    const ids = await Promise.all(
      Array.from({ length: 30 }, async (_, n) => {
        const response = await fetch(`${newerUrl.replace('[::1]', '127.0.0.1')}/api/sagas`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'order-fulfillment', input: { orderId: `o-${n}`, amount: 5 } }),
        });
        const body = (await response.json()) as { id: string; version: number };
        expect(body.version).toBe(2);
        return body.id;
      }),
    );
    for (const id of ids) {
      await waitFor(`saga ${id} to complete`, async () => {
        const { body } = await older.request('GET', `/api/sagas/${id}`);
        return body.status === 'COMPLETED' ? body : undefined;
      });
    }

    // Both processes share the replies queue: the older one took some of them, and read version 2 to apply them.
    expect(olderRegistry.get('order-fulfillment', 2)?.timeoutMs).toBe(120_000);
    expect(olderLog.errors).toEqual([]);
    expect(newerLog.errors).toEqual([]);
  });
});
