import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type ChannelModel, type ConfirmChannel, type GetMessage, type Options, connect } from 'amqplib';
import {
  type Command,
  type LifecycleEvent,
  Topology,
  commandQueueName,
  eventRoutingKey,
} from 'saga-orchestrator-sdk/contracts';
import { classicQueues } from 'saga-orchestrator-sdk/internal/messaging/queue-settings';
import {
  declareEventsExchange,
  declareSharedTopology,
} from 'saga-orchestrator-sdk/internal/messaging/topology';
import { waitFor } from './wait-for';

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

/** A lifecycle event body for a test: a fresh saga of `order-fulfillment`; `overrides` win. */
export function testEvent(
  type: LifecycleEvent['type'],
  overrides: Partial<LifecycleEvent> = {},
): LifecycleEvent {
  const sagaId = randomUUID();
  return {
    event_id: randomUUID(),
    type,
    saga: { id: sagaId, name: 'order-fulfillment', version: 1 },
    correlation_id: `corr-${sagaId}`,
    status: 'COMPLETED',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** The next attempt of `command`: a new message with the same idempotency key. */
export function nextAttempt(command: Command): Command {
  return { ...command, message_id: randomUUID(), attempt: command.attempt + 1 };
}

/** The compensation of `action`'s step: same saga and step, kind `compensation`, its own idempotency key. */
export function compensationOf(action: Command, type: string): Command {
  return {
    ...action,
    message_id: randomUUID(),
    type,
    kind: 'compensation',
    attempt: 1,
    idempotency_key: `${action.saga.id}:${action.step}:compensation`,
    payload: { ...action.payload, output: null },
  };
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
    channel.on('error', () => undefined);
    await declareSharedTopology(channel, classicQueues);
    await declareEventsExchange(channel);
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

  /**
   * Publishes any bytes as a command to `participant`, as the engine would (persistent, confirmed, `replyTo` =
   * `sagas.replies`); `properties` win.
   */
  async publish(participant: string, content: Buffer, properties: Options.Publish = {}): Promise<void> {
    this.channel.publish(Topology.commandsExchange, participant, content, {
      persistent: true,
      contentType: 'application/json',
      replyTo: Topology.repliesQueue,
      ...properties,
    });
    await this.channel.waitForConfirms();
  }

  /** Publishes a lifecycle event as the engine does (persistent, confirmed, `messageId` = `event_id`). */
  async sendEvent(event: LifecycleEvent, headers: Record<string, string> = {}): Promise<LifecycleEvent> {
    await this.publishEvent(
      eventRoutingKey(event.saga.name, event.type),
      Buffer.from(JSON.stringify(event)),
      {
        messageId: event.event_id,
        type: event.type,
        headers,
      },
    );
    return event;
  }

  /** Publishes any bytes to `sagas.events` with `routingKey`, persistent and confirmed; `properties` win. */
  async publishEvent(routingKey: string, content: Buffer, properties: Options.Publish = {}): Promise<void> {
    this.channel.publish(Topology.eventsExchange, routingKey, content, {
      persistent: true,
      contentType: 'application/json',
      ...properties,
    });
    await this.channel.waitForConfirms();
  }

  /** The next final reply (`success` or `failure`) to `command`. */
  reply(command: Command, timeoutMs?: number): Promise<ReceivedReply> {
    return this.replyTo(command.message_id, timeoutMs);
  }

  /** The next final reply to the command whose `message_id` is `messageId`. */
  async replyTo(messageId: string, timeoutMs?: number): Promise<ReceivedReply> {
    const message = await this.take(
      Topology.repliesQueue,
      (m) => m.properties.correlationId === messageId && parse(m).outcome !== 'in_progress',
      timeoutMs,
    );
    return { message, body: parse(message) };
  }

  /** The next `in_progress` message for `command`. */
  async progress(command: Command, timeoutMs?: number): Promise<ReceivedReply> {
    const message = await this.take(
      Topology.repliesQueue,
      (m) => m.properties.correlationId === command.message_id && parse(m).outcome === 'in_progress',
      timeoutMs,
    );
    return { message, body: parse(message) };
  }

  /** The message with AMQP `messageId` in `sagas.dead-letter`, and its reason (header `x-saga-error`). */
  async deadLetter(messageId: string, timeoutMs?: number): Promise<{ message: GetMessage; reason: string }> {
    const message = await this.take(
      Topology.deadLetterQueue,
      (m) => m.properties.messageId === messageId,
      timeoutMs,
    );
    return { message, reason: String(message.properties.headers?.[Topology.errorHeader]) };
  }

  /**
   * Whether a final reply to `messageId` or a dead letter with that AMQP `messageId` has arrived, without waiting;
   * what was read stays for `replyTo` and `deadLetter`.
   */
  async settledAs(messageId: string): Promise<'replied' | 'dead-lettered' | undefined> {
    await this.readAll(Topology.repliesQueue);
    await this.readAll(Topology.deadLetterQueue);
    const replied = (this.unread.get(Topology.repliesQueue) ?? []).some(
      (m) => m.properties.correlationId === messageId && parse(m).outcome !== 'in_progress',
    );
    if (replied) return 'replied';
    const deadLettered = (this.unread.get(Topology.deadLetterQueue) ?? []).some(
      (m) => m.properties.messageId === messageId,
    );
    return deadLettered ? 'dead-lettered' : undefined;
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

  /** Deletes an exchange, as an operator (or a careless script) would. */
  async deleteExchange(exchange: string): Promise<void> {
    await this.channel.deleteExchange(exchange);
  }

  /** Deletes a queue and what it holds. */
  async deleteQueue(queue: string): Promise<void> {
    await this.channel.deleteQueue(queue);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  /** Reads `queue` until a message matches, keeping the others for later calls; bounded by time. */
  private async take(
    queue: string,
    matches: (message: GetMessage) => boolean,
    timeoutMs = 15000,
  ): Promise<GetMessage> {
    const kept = this.kept(queue);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const index = kept.findIndex(matches);
      if (index >= 0) return kept.splice(index, 1)[0]!;
      const message = await this.channel.get(queue, { noAck: true });
      if (message !== false) {
        kept.push(message);
        continue;
      }
      if (Date.now() > until) throw new Error(`no matching message on ${queue} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async readAll(queue: string): Promise<void> {
    const kept = this.kept(queue);
    for (let message = await this.channel.get(queue, { noAck: true }); message !== false;) {
      kept.push(message);
      message = await this.channel.get(queue, { noAck: true });
    }
  }

  private kept(queue: string): GetMessage[] {
    const kept = this.unread.get(queue) ?? [];
    this.unread.set(queue, kept);
    return kept;
  }
}

/** A reply's body; `{}` for a message on `sagas.replies` that is not JSON. */
function parse(message: GetMessage): Record<string, unknown> {
  try {
    return JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
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

/**
 * Waits until `participant`'s queue in `vhost` holds no message, ready or unacknowledged, as RabbitMQ counts
 * them: every delivery was acknowledged, none was given back.
 */
export async function expectQueueDrained(
  vhost: string,
  participant: string,
  timeoutMs = 15000,
): Promise<void> {
  await expectNamedQueueDrained(vhost, commandQueueName(participant), timeoutMs);
}

/** Waits until `queue` in `vhost` holds no message, ready or unacknowledged, as RabbitMQ counts them. */
export async function expectNamedQueueDrained(
  vhost: string,
  queue: string,
  timeoutMs = 15000,
): Promise<void> {
  await waitFor(
    `${queue} to hold no message`,
    async () => ((await messagesInQueue(vhost, queue)) === 0 ? true : undefined),
    timeoutMs,
    200,
  );
}
