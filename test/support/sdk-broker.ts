import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type ChannelModel, type ConfirmChannel, type GetMessage, connect } from 'amqplib';
import type { Command } from '../../src/contracts/command';
import { Topology, commandQueueName } from '../../src/contracts/topology';

/** A message read from `sagas.replies`, its body parsed. */
export interface ReceivedReply {
  message: GetMessage;
  body: Record<string, unknown>;
}

/** A command body for a test: a fresh saga, attempt 1, deadline in 10 s; `overrides` win. */
export function testCommand(type: string, overrides: Partial<Command> = {}): Command {
  const sagaId = randomUUID();
  const now = Date.now();
  return {
    message_id: randomUUID(),
    type,
    kind: 'action',
    saga: { id: sagaId, name: 'order-fulfillment', version: 1 },
    step: 'reserve-inventory',
    attempt: 1,
    idempotency_key: `${sagaId}:reserve-inventory:action`,
    correlation_id: `corr-${sagaId}`,
    causation_id: sagaId,
    timestamp: new Date(now).toISOString(),
    deadline: new Date(now + 10000).toISOString(),
    payload: {},
    ...overrides,
  };
}

/** The next attempt of `command`: a new message with the same idempotency key. */
export function nextAttempt(command: Command): Command {
  return { ...command, message_id: randomUUID(), attempt: command.attempt + 1 };
}

/**
 * The engine's side of the wire for SDK tests: publishes commands as the engine does (persistent, confirmed,
 * `replyTo` = `sagas.replies`) and reads what participants send back.
 */
export class SdkTestBroker {
  private readonly unread = new Map<string, GetMessage[]>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<SdkTestBroker> {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(Topology.commandsExchange, 'direct', { durable: true });
    await channel.assertQueue(Topology.repliesQueue, { durable: true });
    return new SdkTestBroker(connection, channel);
  }

  /** Declares the participant's queue, so commands sent before it starts wait for it. */
  async declareParticipant(participant: string): Promise<void> {
    const queue = commandQueueName(participant);
    await this.channel.assertQueue(queue, { durable: true });
    await this.channel.bindQueue(queue, Topology.commandsExchange, participant);
  }

  async send(participant: string, command: Command, headers: Record<string, string> = {}): Promise<Command> {
    this.channel.publish(Topology.commandsExchange, participant, Buffer.from(JSON.stringify(command)), {
      persistent: true,
      contentType: 'application/json',
      replyTo: Topology.repliesQueue,
      messageId: command.message_id,
      correlationId: command.correlation_id,
      type: command.type,
      headers,
    });
    await this.channel.waitForConfirms();
    return command;
  }

  /** The next final reply (`success` or `failure`) to `command`. */
  reply(command: Command, timeoutMs?: number): Promise<ReceivedReply> {
    return this.take(command, (body) => body.outcome !== 'in_progress', timeoutMs);
  }

  /** The next `in_progress` message for `command`. */
  progress(command: Command, timeoutMs?: number): Promise<ReceivedReply> {
    return this.take(command, (body) => body.outcome === 'in_progress', timeoutMs);
  }

  /** Messages for `command` read from the replies queue but not taken yet. */
  pending(command: Command): Record<string, unknown>[] {
    return (this.unread.get(Topology.repliesQueue) ?? [])
      .filter((message) => message.properties.correlationId === command.message_id)
      .map((message) => parse(message));
  }

  /** The queue's ready messages and consumers, as the broker reports them. */
  checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
    return this.channel.checkQueue(queue);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  /** Reads the replies queue until a message for `command` matches, keeping the others; bounded by time. */
  private async take(
    command: Command,
    matches: (body: Record<string, unknown>) => boolean,
    timeoutMs = 15000,
  ): Promise<ReceivedReply> {
    const kept = this.unread.get(Topology.repliesQueue) ?? [];
    this.unread.set(Topology.repliesQueue, kept);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const index = kept.findIndex(
        (message) => message.properties.correlationId === command.message_id && matches(parse(message)),
      );
      if (index >= 0) {
        const message = kept.splice(index, 1)[0]!;
        return { message, body: parse(message) };
      }
      const message = await this.channel.get(Topology.repliesQueue, { noAck: true });
      if (message !== false) {
        kept.push(message);
        continue;
      }
      if (Date.now() > until) {
        throw new Error(`no matching reply to ${command.type} ${command.message_id} within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function parse(message: GetMessage): Record<string, unknown> {
  return JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
}

/** Lets a test hold a handler in flight until it says so. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A logger that keeps every line, for assertions. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Messages ready plus unacknowledged in `queue` of `vhost`, as RabbitMQ counts them (via `rabbitmqctl`). */
export async function messagesInQueue(vhost: string, queue: string): Promise<number> {
  const { stdout } = await promisify(execFile)('rabbitmqctl', [
    'list_queues',
    '-q',
    '--no-table-headers',
    '-p',
    vhost,
    'name',
    'messages_unacknowledged',
    'messages_ready',
  ]);
  const row = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([name]) => name === queue);
  return Number(row?.[1] ?? NaN) + Number(row?.[2] ?? NaN);
}
