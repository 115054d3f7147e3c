import { EventEmitter } from 'node:events';
import type {
  ConfirmChannel,
  ConsumeMessage,
  GetMessage,
  Message,
  MessageProperties,
  Options,
  Replies,
} from 'amqplib';
import { ChannelClosedError, InProcessBrokerError } from './broker-error';
import type { BrokerQueue, InProcessBroker, QueueConsumer, StoredMessage } from './in-process-broker';

interface Unsettled {
  queue: BrokerQueue;
  message: StoredMessage;
  /** null for a message fetched with `get`. */
  consumer: QueueConsumer | null;
}

type ConfirmCallback = (error: unknown, ok: Replies.Empty) => void;

let consumerTags = 0;

/**
 * A channel on the in-process broker, as amqplib's `ConfirmChannel` (a plain channel is the same one: every
 * publish is confirmed). An operation the broker refuses closes the channel, as RabbitMQ does: the operation
 * fails, `error` is emitted (when listened to), then `close`; its unsettled messages go back to their queues.
 */
export class InProcessChannel extends EventEmitter implements ConfirmChannel {
  readonly connection = {
    serverProperties: { host: '', product: '', version: '', platform: '', information: '' },
  };
  private prefetchCount = 0;
  private nextTag = 1;
  private readonly unsettled = new Map<number, Unsettled>();
  private readonly consumers = new Map<string, { queue: BrokerQueue; consumer: QueueConsumer }>();
  private closed = false;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly onClosed: () => void,
  ) {
    super();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.reject(new ChannelClosedError());
    this.closeWith(null);
    return Promise.resolve();
  }

  assertQueue(queue = '', options?: Options.AssertQueue): Promise<Replies.AssertQueue> {
    return this.run(() => {
      const declared = this.broker.assertQueue(queue, options);
      return {
        queue: declared.name,
        messageCount: declared.ready.length,
        consumerCount: declared.consumers.length,
      };
    });
  }

  checkQueue(queue: string): Promise<Replies.AssertQueue> {
    return this.run(() => {
      const found = this.broker.queue(queue);
      return { queue: found.name, messageCount: found.ready.length, consumerCount: found.consumers.length };
    });
  }

  deleteQueue(queue: string): Promise<Replies.DeleteQueue> {
    return this.run(() => ({ messageCount: this.broker.deleteQueue(queue) }));
  }

  purgeQueue(queue: string): Promise<Replies.PurgeQueue> {
    return this.run(() => ({ messageCount: this.broker.queue(queue, 'QueuePurge').ready.splice(0).length }));
  }

  bindQueue(queue: string, source: string, pattern: string): Promise<Replies.Empty> {
    return this.run(() => {
      this.broker.bindQueue(queue, source, pattern);
      return {};
    });
  }

  unbindQueue(queue: string, source: string, pattern: string): Promise<Replies.Empty> {
    return this.run(() => {
      this.broker.unbindQueue(queue, source, pattern);
      return {};
    });
  }

  assertExchange(exchange: string, type: string): Promise<Replies.AssertExchange> {
    return this.run(() => {
      this.broker.assertExchange(exchange, type);
      return { exchange };
    });
  }

  checkExchange(exchange: string): Promise<Replies.Empty> {
    return this.run(() => {
      this.broker.checkExchange(exchange);
      return {};
    });
  }

  deleteExchange(exchange: string): Promise<Replies.Empty> {
    return this.run(() => {
      this.broker.deleteExchange(exchange);
      return {};
    });
  }

  bindExchange(): Promise<Replies.Empty> {
    return Promise.reject(
      new Error('exchange-to-exchange bindings are not supported by the in-process broker'),
    );
  }

  unbindExchange(): Promise<Replies.Empty> {
    return this.bindExchange();
  }

  /**
   * Routes the message at once; the confirm callback runs on a later turn, as a broker's confirm arrives. A
   * refused publish (no such exchange) closes the channel and fails the callback.
   */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: Options.Publish,
    callback?: ConfirmCallback,
  ): boolean {
    if (this.closed) throw new ChannelClosedError();
    try {
      this.broker.publish(exchange, routingKey, content, messageProperties(options));
      if (callback !== undefined) setImmediate(() => callback(null, {}));
    } catch (error) {
      this.closeWith(error as Error);
      if (callback !== undefined) setImmediate(() => callback(error, {}));
    }
    return true;
  }

  sendToQueue(
    queue: string,
    content: Buffer,
    options?: Options.Publish,
    callback?: ConfirmCallback,
  ): boolean {
    return this.publish('', queue, content, options, callback);
  }

  /** Confirms arrive one turn after their publish: waiting a turn waits for all of them. */
  waitForConfirms(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  consume(
    queue: string,
    onMessage: (message: ConsumeMessage | null) => void,
    options: Options.Consume = {},
  ): Promise<Replies.Consume> {
    return this.run(() => {
      const target = this.broker.queue(queue, 'BasicConsume');
      const tag = options.consumerTag ?? `amq.ctag-in-process-${++consumerTags}`;
      const noAck = options.noAck === true;
      const consumer: QueueConsumer = {
        tag,
        prefetch: noAck ? 0 : this.prefetchCount,
        unsettled: 0,
        deliver: (message) => {
          const deliveryTag = this.nextTag++;
          if (noAck) consumer.unsettled -= 1;
          else this.unsettled.set(deliveryTag, { queue: target, message, consumer });
          const delivered: ConsumeMessage = {
            content: message.content,
            properties: message.properties,
            fields: { ...deliveryFields(message, deliveryTag), consumerTag: tag },
          };
          this.handOver(() => onMessage(delivered));
        },
        cancelled: () => {
          this.consumers.delete(tag);
          this.handOver(() => onMessage(null));
        },
      };
      target.consumers.push(consumer);
      this.consumers.set(tag, { queue: target, consumer });
      this.broker.scheduleDispatch(target);
      return { consumerTag: tag };
    });
  }

  cancel(consumerTag: string): Promise<Replies.Cancel> {
    return this.run(() => {
      this.removeConsumer(consumerTag);
      return { consumerTag };
    });
  }

  get(queue: string, options: Options.Get = {}): Promise<GetMessage | false> {
    return this.run(() => {
      const target = this.broker.queue(queue, 'BasicGet');
      const message = target.ready.shift();
      if (message === undefined) return false;
      const deliveryTag = this.nextTag++;
      if (options.noAck !== true) this.unsettled.set(deliveryTag, { queue: target, message, consumer: null });
      return {
        content: message.content,
        properties: message.properties,
        fields: { ...deliveryFields(message, deliveryTag), messageCount: target.ready.length },
      };
    });
  }

  ack(message: Message, allUpTo = false): void {
    this.settle(message, allUpTo, (entry) => this.release(entry));
  }

  ackAll(): void {
    this.settleAll((entry) => this.release(entry));
  }

  nack(message: Message, allUpTo = false, requeue = true): void {
    this.settle(message, allUpTo, (entry) => this.giveBack(entry, requeue));
  }

  nackAll(requeue = true): void {
    this.settleAll((entry) => this.giveBack(entry, requeue));
  }

  reject(message: Message, requeue = true): void {
    this.nack(message, false, requeue);
  }

  /** Per consumer, as RabbitMQ reads `basic.qos` without `global`: applies to the consumers started after it. */
  prefetch(count: number): Promise<Replies.Empty> {
    return this.run(() => {
      this.prefetchCount = count;
      return {};
    });
  }

  recover(): Promise<Replies.Empty> {
    return this.run(() => {
      this.settleAll((entry) => this.giveBack(entry, true));
      return {};
    });
  }

  /**
   * Closes the channel: its consumers stop and its unsettled messages go back to their queues, marked redelivered.
   * With an error (the broker refused an operation), `error` is emitted first when someone listens.
   */
  closeWith(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    for (const tag of [...this.consumers.keys()]) this.removeConsumer(tag);
    for (const entry of this.unsettled.values()) this.broker.giveBack(entry.queue, entry.message, true);
    this.unsettled.clear();
    this.onClosed();
    setImmediate(() => {
      if (error !== null && this.listenerCount('error') > 0) this.emit('error', error);
      this.emit('close');
    });
  }

  /** Runs a broker operation: a refusal closes the channel, and the operation fails with it. */
  private run<T>(operation: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new ChannelClosedError());
    try {
      return Promise.resolve(operation());
    } catch (error) {
      if (error instanceof InProcessBrokerError) this.closeWith(error);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A consumer's callback runs as amqplib runs it: an exception closes the channel. */
  private handOver(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.closeWith(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private removeConsumer(tag: string): void {
    const entry = this.consumers.get(tag);
    if (entry === undefined) return;
    this.consumers.delete(tag);
    const index = entry.queue.consumers.indexOf(entry.consumer);
    if (index >= 0) entry.queue.consumers.splice(index, 1);
  }

  private settle(message: Message, allUpTo: boolean, apply: (entry: Unsettled) => void): void {
    if (this.closed) throw new ChannelClosedError();
    const tag = message.fields.deliveryTag;
    const entry = this.unsettled.get(tag);
    if (entry === undefined) {
      // RabbitMQ closes the channel on an unknown delivery tag.
      this.closeWith(new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`));
      return;
    }
    const tags = allUpTo ? [...this.unsettled.keys()].filter((each) => each <= tag) : [tag];
    for (const each of tags) {
      const settled = this.unsettled.get(each) as Unsettled;
      this.unsettled.delete(each);
      apply(settled);
    }
  }

  private settleAll(apply: (entry: Unsettled) => void): void {
    if (this.closed) throw new ChannelClosedError();
    const entries = [...this.unsettled.values()];
    this.unsettled.clear();
    for (const entry of entries) apply(entry);
  }

  private release(entry: Unsettled): void {
    if (entry.consumer !== null) entry.consumer.unsettled -= 1;
    this.broker.scheduleDispatch(entry.queue);
  }

  private giveBack(entry: Unsettled, requeue: boolean): void {
    this.release(entry);
    this.broker.giveBack(entry.queue, entry.message, requeue);
  }
}

/** The properties a consumer sees, from the publish options (amqplib's `persistent` is delivery mode 2). */
/** What a delivery and a `get` both say about the message, as amqplib's `fields`. */
function deliveryFields(message: StoredMessage, deliveryTag: number) {
  return {
    deliveryTag,
    redelivered: message.redelivered,
    exchange: message.exchange,
    routingKey: message.routingKey,
  };
}

function messageProperties(options: Options.Publish = {}): MessageProperties {
  return {
    contentType: options.contentType,
    contentEncoding: options.contentEncoding,
    headers: { ...(options.headers as Record<string, unknown> | undefined) },
    deliveryMode: options.persistent === true ? 2 : (options.deliveryMode ?? undefined),
    priority: options.priority,
    correlationId: options.correlationId,
    replyTo: options.replyTo,
    expiration: options.expiration,
    messageId: options.messageId,
    timestamp: options.timestamp,
    type: options.type,
    userId: options.userId,
    appId: options.appId,
    clusterId: undefined,
  };
}
