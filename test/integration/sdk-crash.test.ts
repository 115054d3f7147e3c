import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandQueueName } from 'saga-orchestrator-sdk/contracts';
import { type EmptyDatabase, createEmptyDatabase } from '../support/database';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, messagesInQueue, testCommand } from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

const SCRIPT = join(__dirname, '..', 'support', 'sdk-crash-participant.js');
const COMPILED_SDK = join(
  __dirname,
  '..',
  '..',
  'packages',
  'sdk',
  'dist',
  'sdk',
  'postgres-idempotency-store.js',
);

/** `test/support/sdk-crash-participant.js` as a child process, killed with real signals. */
class ParticipantProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(env: Record<string, string>): Promise<ParticipantProcess> {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const participant = new ParticipantProcess(child);
    await participant.printed('ready');
    return participant;
  }

  get pid(): number {
    return this.child.pid!;
  }

  printed(line: string): Promise<true> {
    return waitFor(`the participant to print "${line}" (output: ${this.output.join(' | ')})`, () =>
      this.output.includes(line)
        ? true
        : this.child.exitCode === null
          ? undefined
          : Promise.reject(new Error('exited')),
    );
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.child.kill(signal);
    await this.exited;
  }
}

describe('participant SDK: a participant killed mid-command', () => {
  let vhost: TestVhost;
  let database: EmptyDatabase;
  let broker: SdkTestBroker;
  const running: ParticipantProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(COMPILED_SDK)) throw new Error('the compiled SDK is missing: run `npm run build` first');
    [vhost, database] = await Promise.all([createVhost('sdk-crash'), createEmptyDatabase()]);
    await database.pool.query(
      'CREATE TABLE ledger_effects (id serial PRIMARY KEY, idempotency_key text NOT NULL, order_id text NOT NULL, pid integer NOT NULL)',
    );
    broker = await SdkTestBroker.connect(vhost.url);
    await broker.declareParticipant('ledger');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((participant) => participant.kill('SIGTERM')));
  });

  afterAll(async () => {
    await broker?.close();
    await Promise.all([vhost?.drop(), database?.drop()]);
  });

  async function startParticipant(pauseAt = ''): Promise<ParticipantProcess> {
    const participant = await ParticipantProcess.start({
      AMQP_URL: vhost.url,
      DATABASE_URL: database.url,
      PAUSE_AT: pauseAt,
    });
    running.push(participant);
    return participant;
  }

  async function killed(participant: ParticipantProcess): Promise<void> {
    running.splice(running.indexOf(participant), 1);
    await participant.kill('SIGKILL');
  }

  async function effects(key: string) {
    const { rows } = await database.pool.query<{ id: number; pid: number }>(
      'SELECT id, pid FROM ledger_effects WHERE idempotency_key = $1 ORDER BY id',
      [key],
    );
    return rows;
  }

  async function recordOf(key: string) {
    const { rows } = await database.pool.query(
      'SELECT outcome, output FROM saga_participant_idempotency WHERE idempotency_key = $1',
      [key],
    );
    return rows[0] as { outcome: string; output: Record<string, unknown> } | undefined;
  }

  it('killed after its transaction committed, before replying: the redelivery replies the recorded output, no second effect', async () => {
    const first = await startParticipant('after-commit');
    const command = await broker.send('ledger', testCommand('RecordEntry', { payload: { orderId: 'o-1' } }));
    await first.printed('paused after-commit');

    const committed = await effects(command.idempotency_key);
    expect(committed).toEqual([{ id: expect.any(Number), pid: first.pid }]);
    expect(await recordOf(command.idempotency_key)).toEqual({
      outcome: 'success',
      output: { entryId: committed[0]!.id, handledBy: first.pid },
    });
    expect(broker.pending(command)).toEqual([]);

    await killed(first);
    const second = await startParticipant();
    const { body } = await broker.reply(command);
    expect(body).toMatchObject({
      outcome: 'success',
      in_reply_to: command.message_id,
      output: { entryId: committed[0]!.id, handledBy: first.pid },
    });
    expect(second.pid).not.toBe(first.pid);
    expect(await effects(command.idempotency_key)).toEqual(committed);
    await waitFor('the command to be acknowledged', async () =>
      (await messagesInQueue(vhost.name, commandQueueName('ledger'))) === 0 ? true : undefined,
    );
  });

  it('killed inside its transaction, before the commit: nothing was applied, the redelivery applies it once', async () => {
    const first = await startParticipant('in-transaction');
    const command = await broker.send('ledger', testCommand('RecordEntry', { payload: { orderId: 'o-2' } }));
    await first.printed('paused in-transaction');
    expect(await effects(command.idempotency_key)).toEqual([]);
    expect(await recordOf(command.idempotency_key)).toBeUndefined();

    await killed(first);
    const second = await startParticipant();
    const { body } = await broker.reply(command);
    const applied = await effects(command.idempotency_key);
    expect(applied).toEqual([{ id: expect.any(Number), pid: second.pid }]);
    expect(body).toMatchObject({
      outcome: 'success',
      output: { entryId: applied[0]!.id, handledBy: second.pid },
    });
    expect(await recordOf(command.idempotency_key)).toEqual({ outcome: 'success', output: body.output });
  });
});
