import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { type Command, Topology } from 'saga-orchestrator-sdk/contracts';
import { type TestDatabase, reserveTestDatabase } from '../support/database';
import { EngineProcess } from '../support/engine-process';
import { EventQueue } from '../support/event-queue';
import { orderSagaYaml } from '../support/order-saga';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { waitFor } from '../support/wait-for';

const rabbitmqctl = (...args: string[]) => promisify(execFile)('rabbitmqctl', args);

const QUEUE = 'fault.lifecycle-events';
/** While set, the broker refuses (nacks) every message routed to the test's queue: no event gets through. */
const HOLD = [
  'hold-events',
  `^${QUEUE.replace('.', '\\.')}$`,
  '{"max-length":0,"overflow":"reject-publish"}',
];

const TERMINAL = new Set(['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED']);
const COMPLETED = ['SagaStarted', 'StepSucceeded', 'StepSucceeded', 'StepSucceeded', 'SagaCompleted'];
const COMPENSATED = [
  'SagaStarted',
  'StepSucceeded',
  'StepSucceeded',
  'StepFailed',
  'SagaCompensating',
  'SagaCompensated',
];

function script(command: Command): ScriptedAnswer {
  if (command.type === 'ScheduleShipment' && String(command.payload.orderId).startsWith('fail-')) {
    return { outcome: 'failure', code: 'NO_CARRIER', retryable: false };
  }
  return { outcome: 'success', output: {} };
}

interface HeldRow {
  message_id: string;
  saga_id: string;
  exchange: string;
}

async function outboxRows(databaseUrl: string): Promise<HeldRow[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<HeldRow>('SELECT message_id, saga_id, exchange FROM outbox ORDER BY id')).rows;
  } finally {
    await client.end();
  }
}

async function statuses(databaseUrl: string): Promise<Map<string, string>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; status: string }>(
      'SELECT id, status FROM saga_instances',
    );
    return new Map(rows.map((row) => [row.id, row.status]));
  } finally {
    await client.end();
  }
}

describe('lifecycle events of an engine killed between the write and the publish', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let sagasDir: string;
  let engine: EngineProcess;
  let events: EventQueue;
  const participants: ScriptedParticipant[] = [];

  beforeAll(async () => {
    database = reserveTestDatabase();
    vhost = await createVhost('fault');
    sagasDir = mkdtempSync(join(tmpdir(), 'fault-sagas-'));
    writeFileSync(
      join(sagasDir, 'order-fulfillment.yaml'),
      orderSagaYaml({ stepTimeout: '20s', extra: { events: 'all' } }),
    );
    events = await EventQueue.bind(vhost.url, QUEUE);
    await rabbitmqctl('set_policy', '-p', vhost.name, ...HOLD, '--apply-to', 'queues');
    engine = new EngineProcess('engine', { databaseUrl: database.url, amqpUrl: vhost.url, sagasDir });
    await engine.start();
    participants.push(
      ...['inventory', 'payments', 'shipping'].map(
        (name) => new ScriptedParticipant(vhost.url, name, script),
      ),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await engine?.stop('SIGKILL');
    await Promise.all(participants.map((participant) => participant.stop()));
    await events?.close();
    await vhost?.drop();
    await database?.drop();
    rmSync(sagasDir, { recursive: true, force: true });
  });

  it('publishes every event after a SIGKILL and a restart, each once, under the event_id it was written with', async () => {
    const orders = ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5', 'ok-6', 'fail-7', 'fail-8'];
    const ids = new Map<string, string>();
    for (const orderId of orders) {
      const response = await fetch(`${engine.baseUrl}/api/sagas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'order-fulfillment', input: { orderId, amount: 1 } }),
      });
      expect(response.status).toBe(201);
      ids.set(((await response.json()) as { id: string }).id, orderId);
    }
    const expectedCount = 6 * COMPLETED.length + 2 * COMPENSATED.length;

    // Every saga ended and every command went out; the events were written with the changes but are refused.
    const held = await waitFor(
      'every saga to end, with only its events left in the outbox',
      async () => {
        const ended = [...(await statuses(database.url)).values()].filter((s) => TERMINAL.has(s));
        const rows = await outboxRows(database.url);
        return ended.length === orders.length && rows.length === expectedCount ? rows : undefined;
      },
      60000,
      100,
    );
    expect(new Set(held.map((row) => row.exchange))).toEqual(new Set([Topology.eventsExchange]));
    expect(await events.readAll()).toEqual([]);

    await engine.stop('SIGKILL');
    await rabbitmqctl('clear_policy', '-p', vhost.name, HOLD[0]!);
    await engine.start();

    // Rows leased by the killed engine wait for their lease (10 s) to run out.
    await waitFor(
      'the restarted engine to publish the outbox',
      async () => ((await outboxRows(database.url)).length === 0 ? true : undefined),
      30000,
      100,
    );
    const received = await events.readAll();
    const receivedIds = received.map(({ message }) => String(message.properties.messageId)).sort();
    expect(receivedIds).toEqual(held.map((row) => row.message_id).sort());
    expect(received.every(({ event, message }) => event.event_id === message.properties.messageId)).toBe(
      true,
    );
    for (const [sagaId, orderId] of ids) {
      const types = events.of(sagaId).map(({ event }) => event.type);
      expect(types.sort()).toEqual([...(orderId.startsWith('fail-') ? COMPENSATED : COMPLETED)].sort());
    }
  });
});
