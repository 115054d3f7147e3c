import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { queueTypes } from '../support/rabbit-vhost';
import { recordingLogger } from '../support/sdk-broker';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const SCRIPT = join(__dirname, '..', 'support', 'crash-on-delivery-participant.js');
const COMPILED_SDK = join(__dirname, '..', '..', 'packages', 'sdk', 'dist', 'sdk', 'index.js');
const DELIVERY_LIMIT = 3;

/** `steady` reserves and releases; `crashy` dies on every delivery of its command. */
const crashLoopSaga = `
name: crash-loop
version: 1
input: { type: object }
steps:
  - name: reserve
    participant: steady
    action: Reserve
    compensation: Release
    payload: {}
  - name: record
    participant: crashy
    action: RecordEntry
    timeout: 25s
    retry: { attempts: 1, backoff: 1s }
    payload: {}
`;

/** One run of `test/support/crash-on-delivery-participant.js`. */
class CrashingParticipant {
  readonly output: string[] = [];
  readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static start(amqpUrl: string): CrashingParticipant {
    const env = {
      PATH: process.env.PATH,
      AMQP_URL: amqpUrl,
      PARTICIPANT: 'crashy',
      AMQP_QUEUE_TYPE: 'quorum',
      AMQP_DELIVERY_LIMIT: String(DELIVERY_LIMIT),
    };
    return new CrashingParticipant(
      spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** The message ids it printed before dying. */
  get received(): string[] {
    return this.output.filter((line) => line.startsWith('received ')).map((line) => line.slice(9));
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

describe('quorum queues (AMQP_QUEUE_TYPE=quorum): a participant that dies on every delivery', () => {
  let engine: TestEngine;
  let steady: Participant;
  const released: unknown[] = [];

  beforeAll(async () => {
    if (!existsSync(COMPILED_SDK)) throw new Error('the compiled SDK is missing: run `npm run build` first');
    engine = await startTestEngine({
      sagas: { 'crash-loop.yaml': crashLoopSaga },
      env: { AMQP_QUEUE_TYPE: 'quorum', AMQP_DELIVERY_LIMIT: String(DELIVERY_LIMIT) },
    });
    steady = createParticipant({
      url: engine.amqpUrl,
      participant: 'steady',
      queueType: 'quorum',
      deliveryLimit: DELIVERY_LIMIT,
      logger: recordingLogger(),
      handlers: {
        Reserve: () => ({ reserved: true }),
        Release: (payload) => {
          released.push(payload);
        },
      },
    });
    await steady.start();
  });

  afterAll(async () => {
    await steady?.stop();
    await engine?.stop();
  });

  it('the command is delivered limit + 1 times, then the broker dead-letters it with its reason, and the saga compensates', async () => {
    const started = await engine.request('POST', '/api/sagas', { name: 'crash-loop', input: {} });
    expect(started.status).toBe(201);
    const sagaId = started.body.id as string;

    const deadLetter = waitFor(
      'the command in the dead letters',
      async () => {
        const { body } = await engine.request('GET', '/api/dead-letters');
        const items = body.items as Array<{ originalRoutingKey: string }>;
        return items.find((item) => item.originalRoutingKey === 'crashy');
      },
      50000,
      200,
    );
    const runs: CrashingParticipant[] = [];
    // Started again each time it dies, as a supervisor would, until the broker stops delivering the command.
    for (let run = 0; run < 2 * (DELIVERY_LIMIT + 1); run++) {
      const participant = CrashingParticipant.start(engine.amqpUrl);
      runs.push(participant);
      const outcome = await Promise.race([
        participant.exited.then(() => 'died' as const),
        deadLetter.then(() => 'dead-lettered' as const),
      ]);
      if (outcome === 'dead-lettered') break;
      expect(participant.received).toHaveLength(1);
    }
    await Promise.all(runs.map((participant) => participant.stop()));

    const received = runs.flatMap((participant) => participant.received);
    expect(received).toHaveLength(DELIVERY_LIMIT + 1);
    expect(new Set(received).size).toBe(1);
    expect(await deadLetter).toMatchObject({
      messageId: received[0],
      reason: 'delivery_limit (dead-lettered by the broker from queue sagas.commands.crashy)',
      originalExchange: 'sagas.commands',
      originalRoutingKey: 'crashy',
    });

    // The engine hears nothing of a dead-lettered command: the attempt times out, and with no attempt left the
    // saga compensates the step before it.
    const ended = await waitFor(
      'the saga to compensate',
      async () => {
        const { body } = await engine.request('GET', `/api/sagas/${sagaId}`);
        return body.status === 'COMPENSATED' ? body : undefined;
      },
      50000,
      200,
    );
    expect(ended.steps.map((step: { name: string; status: string }) => [step.name, step.status])).toEqual([
      ['reserve', 'SUCCEEDED'],
      ['record', 'UNKNOWN'],
    ]);
    expect(released).toHaveLength(1);
  }, 120000);

  it('replays the dead-lettered command into its queue, without the headers of its death', async () => {
    const { body } = await engine.request('GET', '/api/dead-letters');
    const letter = (body.items as Array<{ id: string; messageId: string; originalRoutingKey: string }>).find(
      (item) => item.originalRoutingKey === 'crashy',
    )!;
    const handled: Array<{ messageId: string; headers: Readonly<Record<string, unknown>> }> = [];
    const fixed = createParticipant({
      url: engine.amqpUrl,
      participant: 'crashy',
      queueType: 'quorum',
      deliveryLimit: DELIVERY_LIMIT,
      logger: recordingLogger(),
      handlers: {
        RecordEntry: (_payload, ctx) => {
          handled.push({ messageId: ctx.messageId, headers: ctx.headers });
          return { recorded: true };
        },
      },
    });
    await fixed.start();
    try {
      const replayed = await engine.request('POST', `/api/dead-letters/${letter.id}/replay`);
      expect(replayed.status).toBe(202);
      const [delivery] = await waitFor('the replayed command', () =>
        handled.length > 0 ? handled : undefined,
      );
      expect(delivery!.messageId).toBe(letter.messageId);
      expect(delivery!.headers['x-saga-replayed-from']).toBe(letter.id);
      expect(Object.keys(delivery!.headers).filter((name) => /death/.test(name))).toEqual([]);
    } finally {
      await fixed.stop();
    }
  });

  it('declares every queue of the engine and the SDK as a quorum queue', async () => {
    const vhost = decodeURIComponent(new URL(engine.amqpUrl).pathname.slice(1));
    expect(await queueTypes(vhost)).toEqual({
      'sagas.replies': 'quorum',
      'sagas.dead-letter': 'quorum',
      'sagas.commands.steady': 'quorum',
      'sagas.commands.crashy': 'quorum',
    });
  });

  it('a participant declaring classic queues where quorum ones exist fails to start, naming the queue', async () => {
    const classic = createParticipant({
      url: engine.amqpUrl,
      participant: 'late',
      handlers: {},
      logger: recordingLogger(),
    });
    await expect(classic.start()).rejects.toThrow(
      /^queue sagas\.dead-letter exists with other arguments than a classic queue \(the broker says: inequivalent arg 'x-queue-type'/,
    );
    await classic.stop();
  });

  it('an engine declaring classic queues where quorum ones exist refuses to start, naming the queue', async () => {
    await expect(
      startTestEngine({ sagas: { 'crash-loop.yaml': crashLoopSaga }, env: { AMQP_URL: engine.amqpUrl } }),
    ).rejects.toThrow(/^queue sagas\.dead-letter exists with other arguments than a classic queue/);
  });
});
