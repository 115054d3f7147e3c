import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type ChannelModel, type ConfirmChannel, type Options, connect } from 'amqplib';
import { Client } from 'pg';
import { type Command, Topology } from 'saga-orchestrator-sdk/contracts';
import { orderSagaYaml } from './order-saga';
import { ScriptedParticipant } from './scripted-participant';
import { type TestEngine, startTestEngine } from './test-engine';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/**
 * An engine on its own database and vhost with the example saga and three participants that always succeed, and
 * what a hostile-input test needs around it: raw publishing, the dead letters as stored, queue counts, and the
 * check that the engine is still whole.
 */
export class HostileBench {
  private constructor(
    readonly engine: TestEngine,
    private readonly participants: ScriptedParticipant[],
    private readonly broker: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly database: Client,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<HostileBench> {
    const engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() }, env });
    const participants = ['inventory', 'payments', 'shipping'].map(
      (name) =>
        new ScriptedParticipant(engine.amqpUrl, name, () => ({
          outcome: 'success',
          output: { reservationId: 'r-1', paymentId: 'p-1' },
        })),
    );
    for (const participant of participants) await participant.start();
    const broker = await connect(engine.amqpUrl);
    broker.on('error', () => undefined);
    const channel = await broker.createConfirmChannel();
    channel.on('error', () => undefined);
    const database = new Client({ connectionString: engine.database.url });
    await database.connect();
    return new HostileBench(engine, participants, broker, channel, database);
  }

  async stop(): Promise<void> {
    await this.database.end().catch(() => undefined);
    await this.broker.close().catch(() => undefined);
    for (const participant of this.participants) await participant.stop().catch(() => undefined);
    await this.engine.stop();
  }

  /** Publishes raw bytes to `sagas.replies` (confirmed); returns the message id it carries. */
  async publishReply(content: Buffer, properties: Options.Publish = {}): Promise<string> {
    const messageId = properties.messageId ?? `hostile-${randomUUID()}`;
    this.channel.sendToQueue(Topology.repliesQueue, content, { persistent: true, ...properties, messageId });
    await this.channel.waitForConfirms();
    return messageId;
  }

  /** Publishes raw bytes to `sagas.dead-letter` (confirmed), as any participant may. */
  async publishDeadLetter(content: Buffer, properties: Options.Publish): Promise<void> {
    this.channel.publish(Topology.deadLetterExchange, '', content, { persistent: true, ...properties });
    await this.channel.waitForConfirms();
  }

  /** The reason stored for each of these messages in `dead_letters`, once every one of them is there. */
  async deadLetterReasons(messageIds: string[], timeoutMs = 20_000): Promise<Map<string, string>> {
    return waitFor(
      `${messageIds.length} dead letters`,
      async () => {
        const { rows } = await this.database.query<{ message_id: string; reason: string }>(
          'SELECT message_id, reason FROM dead_letters WHERE message_id = ANY($1)',
          [messageIds],
        );
        const reasons = new Map(rows.map((row) => [row.message_id, row.reason]));
        return messageIds.every((id) => reasons.has(id)) ? reasons : undefined;
      },
      timeoutMs,
    );
  }

  /** The commands the participants received for a saga, in arrival order. */
  commandsOf(sagaId: string): Command[] {
    return this.participants.flatMap((participant) => participant.commands({ sagaId }));
  }

  async sagaStatus(id: string): Promise<string> {
    return (await this.engine.request('GET', `/api/sagas/${id}`)).body.status;
  }

  /** Ready and unacknowledged messages of a queue in the engine's vhost. */
  async queueCounts(queue: string): Promise<{ ready: number; unacknowledged: number }> {
    const vhost = decodeURIComponent(new URL(this.engine.amqpUrl).pathname.slice(1));
    const { stdout } = await run('rabbitmqctl', [
      '-q',
      'list_queues',
      '-p',
      vhost,
      'name',
      'messages_ready',
      'messages_unacknowledged',
    ]);
    const line = stdout
      .split('\n')
      .map((row) => row.split('\t'))
      .find(([name]) => name === queue);
    if (line === undefined) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
    return { ready: Number(line[1]), unacknowledged: Number(line[2]) };
  }

  /**
   * The engine is whole: `/health` is 200, a fresh saga completes, and `sagas.replies` holds nothing (neither
   * waiting nor unacknowledged).
   */
  async expectWhole(headers: Record<string, string> = {}): Promise<void> {
    await waitFor('/health to answer 200', async () =>
      (await this.engine.request('GET', '/health')).status === 200 ? true : undefined,
    );
    const started = await this.engine.request(
      'POST',
      '/api/sagas',
      { name: 'order-fulfillment', input: { orderId: `probe-${randomUUID()}`, amount: 1 } },
      headers,
    );
    if (started.status !== 201)
      throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    await waitFor('the probe saga to complete', async () => {
      const { body } = await this.engine.request('GET', `/api/sagas/${started.body.id}`, undefined, headers);
      return body.status === 'COMPLETED' ? true : undefined;
    });
    await waitFor('sagas.replies to be empty', async () => {
      const counts = await this.queueCounts(Topology.repliesQueue);
      return counts.ready === 0 && counts.unacknowledged === 0 ? true : undefined;
    });
  }
}
