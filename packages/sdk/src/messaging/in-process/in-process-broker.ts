import type { ChannelModel, MessageProperties, Options } from 'amqplib';
import type { BrokerTransport } from '../broker-transport';
import { InProcessBrokerError, ReplyCode } from './broker-error';
import { InProcessConnection } from './in-process-connection';
import { ExchangeType, bindingMatches, isExchangeType } from './routing';

/** A message as a queue holds it. */
export interface StoredMessage {
  content: Buffer;
  properties: MessageProperties;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  /** Times given back to its queue (nack with requeue, a consumer's channel closed while holding it). */
  returned: number;
}

/** Takes the messages of a queue; `deliver` is called for each, and the message stays unacked until settled. */
export interface QueueConsumer {
  readonly tag: string;
  /** Most unsettled deliveries at once; 0 for no limit. */
  readonly prefetch: number;
  unsettled: number;
  deliver(message: StoredMessage): void;
  /** The queue was deleted under the consumer (amqplib hands `null` to the consumer). */
  cancelled(): void;
}

interface Exchange {
  type: ExchangeType;
  bindings: Array<{ queue: string; pattern: string }>;
}

export interface BrokerQueue {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly ready: StoredMessage[];
  readonly consumers: QueueConsumer[];
  /** Round-robin position among the consumers. */
  next: number;
  dispatchScheduled: boolean;
}

/** Why the broker dead-letters a message: RabbitMQ's words in `x-death`. */
export type DeathReason = 'rejected' | 'delivery_limit';

/** The default exchange: every queue is bound to it by its own name. */
const DEFAULT_EXCHANGE = '';

let anonymousQueues = 0;

/**
 * A message broker inside the process, for embedded mode: the part of RabbitMQ the engine and the SDK use, behind
 * the same `BrokerTransport` port as amqplib. Durable exchanges (direct, fanout, topic with `*` and `#`) and
 * queues in memory, consumers with prefetch, acknowledgements, requeue with the redelivered flag, dead-lettering
 * by queue arguments (`x-dead-letter-exchange`, `x-dead-letter-routing-key`, `x-delivery-limit`) with `x-death`
 * headers, publisher confirms, message counts.
 *
 * Messages live in memory only: they are lost when the process ends. Everything the engine sends is first written
 * to its outbox in PostgreSQL, so what it had not yet handed over is sent again when it starts.
 */
export class InProcessBroker {
  private readonly exchanges = new Map<string, Exchange>();
  private readonly queues = new Map<string, BrokerQueue>();
  private readonly connections = new Set<InProcessConnection>();
  private stopped = false;

  /** Opens connections to this broker; the URL a caller passes is not used. */
  readonly transport: BrokerTransport = {
    connect: async () => this.connect(),
  };

  /** A new connection, as amqplib's `connect` returns one. */
  connect(): ChannelModel {
    if (this.stopped) throw new Error('the in-process broker is stopped');
    const connection = new InProcessConnection(this, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }

  /** Closes every connection (their consumers stop, unsettled messages go back to their queues). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.connections].map((connection) => connection.close().catch(() => undefined)));
  }

  assertExchange(name: string, type: string): void {
    if (name === DEFAULT_EXCHANGE || name.startsWith('amq.')) return;
    const existing = this.exchanges.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new InProcessBrokerError(
          ReplyCode.preconditionFailed,
          'ExchangeDeclare',
          `inequivalent arg 'type' for exchange '${name}': received '${type}' but current is '${existing.type}'`,
        );
      }
      return;
    }
    if (!isExchangeType(type)) {
      throw new InProcessBrokerError(
        ReplyCode.preconditionFailed,
        'ExchangeDeclare',
        `unsupported type '${type}'`,
      );
    }
    this.exchanges.set(name, { type, bindings: [] });
  }

  checkExchange(name: string): void {
    if (name !== DEFAULT_EXCHANGE && !this.exchanges.has(name)) {
      throw new InProcessBrokerError(ReplyCode.notFound, 'ExchangeDeclare', `no exchange '${name}'`);
    }
  }

  deleteExchange(name: string): void {
    this.exchanges.delete(name);
  }

  /** Declares a queue (an empty name gets a generated one); an existing queue must have the same arguments. */
  assertQueue(name: string, options: Options.AssertQueue = {}): BrokerQueue {
    const queueName = name === '' ? `amq.gen-in-process-${++anonymousQueues}` : name;
    const args = { ...(options.arguments as Record<string, unknown> | undefined) };
    if (options.deadLetterExchange !== undefined) args['x-dead-letter-exchange'] = options.deadLetterExchange;
    if (options.deadLetterRoutingKey !== undefined) {
      args['x-dead-letter-routing-key'] = options.deadLetterRoutingKey;
    }
    const existing = this.queues.get(queueName);
    if (existing !== undefined) {
      const different = differentArgument(existing.arguments, args);
      if (different !== null) {
        throw new InProcessBrokerError(
          ReplyCode.preconditionFailed,
          'QueueDeclare',
          `inequivalent arg '${different}' for queue '${queueName}'`,
        );
      }
      return existing;
    }
    const queue: BrokerQueue = {
      name: queueName,
      arguments: args,
      ready: [],
      consumers: [],
      next: 0,
      dispatchScheduled: false,
    };
    this.queues.set(queueName, queue);
    return queue;
  }

  queue(name: string, operation = 'QueueDeclare'): BrokerQueue {
    const queue = this.queues.get(name);
    if (queue === undefined)
      throw new InProcessBrokerError(ReplyCode.notFound, operation, `no queue '${name}'`);
    return queue;
  }

  /** Deletes a queue with its messages; its consumers are cancelled. Returns how many messages it held. */
  deleteQueue(name: string): number {
    const queue = this.queues.get(name);
    if (queue === undefined) return 0;
    this.queues.delete(name);
    for (const exchange of this.exchanges.values()) {
      exchange.bindings = exchange.bindings.filter((binding) => binding.queue !== name);
    }
    for (const consumer of queue.consumers.splice(0)) consumer.cancelled();
    return queue.ready.length;
  }

  bindQueue(queue: string, exchange: string, pattern: string): void {
    this.queue(queue, 'QueueBind');
    const target = this.exchanges.get(exchange);
    if (target === undefined) {
      throw new InProcessBrokerError(ReplyCode.notFound, 'QueueBind', `no exchange '${exchange}'`);
    }
    if (!target.bindings.some((binding) => binding.queue === queue && binding.pattern === pattern)) {
      target.bindings.push({ queue, pattern });
    }
  }

  unbindQueue(queue: string, exchange: string, pattern: string): void {
    const target = this.exchanges.get(exchange);
    if (target === undefined) return;
    target.bindings = target.bindings.filter(
      (binding) => binding.queue !== queue || binding.pattern !== pattern,
    );
  }

  /**
   * Routes a message to every queue its exchange binds it to; a message no queue takes is dropped (nothing is
   * published mandatory). Fails when the exchange does not exist, as RabbitMQ closes the channel then.
   */
  publish(exchange: string, routingKey: string, content: Buffer, properties: MessageProperties): void {
    for (const queue of this.route(exchange, routingKey)) {
      this.enqueue(queue, {
        content: Buffer.from(content),
        properties: { ...properties, headers: { ...properties.headers } },
        exchange,
        routingKey,
        redelivered: false,
        returned: 0,
      });
    }
  }

  /**
   * A message a consumer gave back (`requeue`) goes to the head of its queue, marked redelivered; one past the
   * queue's delivery limit, or given up (`requeue` false), is dead-lettered when the queue says where, else dropped.
   */
  giveBack(queue: BrokerQueue, message: StoredMessage, requeue: boolean): void {
    if (!this.queues.has(queue.name)) return;
    if (requeue) {
      const limit = queue.arguments['x-delivery-limit'];
      const returned = message.returned + 1;
      if (typeof limit === 'number' && returned > limit) {
        this.deadLetter(queue, message, 'delivery_limit');
        return;
      }
      const headers =
        typeof limit === 'number'
          ? { ...message.properties.headers, 'x-delivery-count': returned }
          : message.properties.headers;
      queue.ready.unshift({
        ...message,
        properties: { ...message.properties, headers },
        redelivered: true,
        returned,
      });
      this.scheduleDispatch(queue);
      return;
    }
    this.deadLetter(queue, message, 'rejected');
  }

  /** Hands ready messages to consumers with room under their prefetch, round robin. */
  scheduleDispatch(queue: BrokerQueue): void {
    if (queue.dispatchScheduled) return;
    queue.dispatchScheduled = true;
    setImmediate(() => {
      queue.dispatchScheduled = false;
      this.dispatch(queue);
    });
  }

  private dispatch(queue: BrokerQueue): void {
    while (queue.ready.length > 0 && queue.consumers.length > 0) {
      const consumer = this.nextConsumer(queue);
      if (consumer === null) return;
      const message = queue.ready.shift() as StoredMessage;
      consumer.unsettled += 1;
      consumer.deliver(message);
    }
  }

  private nextConsumer(queue: BrokerQueue): QueueConsumer | null {
    const count = queue.consumers.length;
    for (let offset = 0; offset < count; offset++) {
      const index = (queue.next + offset) % count;
      const consumer = queue.consumers[index] as QueueConsumer;
      if (consumer.prefetch === 0 || consumer.unsettled < consumer.prefetch) {
        queue.next = (index + 1) % count;
        return consumer;
      }
    }
    return null;
  }

  private route(exchangeName: string, routingKey: string): BrokerQueue[] {
    if (exchangeName === DEFAULT_EXCHANGE) {
      const queue = this.queues.get(routingKey);
      return queue === undefined ? [] : [queue];
    }
    const exchange = this.exchanges.get(exchangeName);
    if (exchange === undefined) {
      throw new InProcessBrokerError(ReplyCode.notFound, 'BasicPublish', `no exchange '${exchangeName}'`);
    }
    const names = new Set(
      exchange.bindings
        .filter((binding) => bindingMatches(exchange.type, binding.pattern, routingKey))
        .map((binding) => binding.queue),
    );
    return [...names].flatMap((name) => {
      const queue = this.queues.get(name);
      return queue === undefined ? [] : [queue];
    });
  }

  private enqueue(queue: BrokerQueue, message: StoredMessage): void {
    queue.ready.push(message);
    this.scheduleDispatch(queue);
  }

  /** Republishes to the queue's dead-letter exchange with RabbitMQ's `x-death` headers; dropped when it has none. */
  private deadLetter(queue: BrokerQueue, message: StoredMessage, reason: DeathReason): void {
    const exchange = queue.arguments['x-dead-letter-exchange'];
    if (typeof exchange !== 'string') return;
    const configuredKey = queue.arguments['x-dead-letter-routing-key'];
    const routingKey = typeof configuredKey === 'string' ? configuredKey : message.routingKey;
    const headers: Record<string, unknown> = { ...message.properties.headers };
    const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as unknown[]) : [];
    const death = {
      count: 1,
      reason,
      queue: queue.name,
      time: { '!': 'timestamp', value: Math.floor(Date.now() / 1000) },
      exchange: message.exchange,
      'routing-keys': [message.routingKey],
    };
    headers['x-death'] = [death, ...deaths];
    // RabbitMQ's own reasons include delivery_limit (amqplib's XDeath type lists fewer).
    headers['x-first-death-reason'] ??= reason;
    headers['x-first-death-queue'] ??= queue.name;
    headers['x-first-death-exchange'] ??= message.exchange;
    headers['x-last-death-reason'] = reason;
    headers['x-last-death-queue'] = queue.name;
    headers['x-last-death-exchange'] = message.exchange;
    try {
      this.publish(exchange, routingKey, message.content, { ...message.properties, headers });
    } catch {
      // A dead-letter exchange that does not exist drops the message, as RabbitMQ does.
    }
  }
}

/** The first argument two declarations of a queue disagree on, or null. */
function differentArgument(
  existing: Readonly<Record<string, unknown>>,
  declared: Readonly<Record<string, unknown>>,
): string | null {
  for (const key of new Set([...Object.keys(existing), ...Object.keys(declared)])) {
    if (existing[key] !== declared[key]) return key;
  }
  return null;
}
