import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { BrokerConnection } from '../messaging/broker-connection';
import type { BrokerTransport } from '../messaging/broker-transport';
import { DeliveryStrikes } from '../messaging/delivery-strikes';
import type { Logger } from '../shared/logger';
import { ChannelClosure, ConsumerChannel } from './consumer-channel';
import { type ConsumedDelivery, DeliveryHandler, type Settlement } from './delivery-handler';

export interface ConsumerConnectionOptions {
  /** The broker's nodes, tried in order on every connect and reconnect. */
  urls: readonly string[];
  /** How the broker is reached: amqplib, or an in-process broker. */
  transport: BrokerTransport;
  /** Who consumes, for errors: `participant inventory`, `subscriber billing-events`. */
  name: string;
  queue: string;
  prefetch: number;
  logger: Logger;
  /** AMQP `userId` of every message published (dead letters included), or null. */
  userId: string | null;
  /** Declares (or checks) the topology the queue needs, on every new channel. */
  declare(channel: ConfirmChannel): Promise<void>;
  handle(delivery: ConsumedDelivery): Promise<Settlement>;
}

/** Reconnect delays: 200 ms doubling up to 10 s, ±20 %. */
const reconnectDelays = { initialMs: 200, maxMs: 10000, factor: 2, jitter: 0.2 };

/**
 * A consumer's connection to the broker, shared by participants and subscribers: connects (retrying with backoff
 * until the broker answers), declares the topology and consumes the queue; reconnects by itself after a lost
 * connection and does all of that again; on stop, settles the deliveries in flight before the connection closes.
 */
export class ConsumerConnection {
  private readonly deliveries: DeliveryHandler;
  /** One for the consumer's lifetime: strikes must survive the channels and connections they are about. */
  private readonly strikes = new DeliveryStrikes();
  private connection: BrokerConnection | null = null;
  private consumer: ConsumerChannel | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: ConsumerConnectionOptions) {
    this.deliveries = new DeliveryHandler({
      logger: options.logger,
      strikes: this.strikes,
      userId: options.userId,
      stopping: () => this.stopping !== null,
      handle: options.handle,
    });
  }

  start(): Promise<void> {
    if (this.stopping !== null) return Promise.reject(new Error(`${this.options.name} was stopped`));
    this.starting ??= this.connect();
    return this.starting;
  }

  /** Stops consuming, waits for the deliveries being handled to be settled, then closes the connection. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async connect(): Promise<void> {
    const connection = new BrokerConnection({
      urls: this.options.urls,
      transport: this.options.transport,
      delays: reconnectDelays,
      log: this.options.logger,
      setup: (model: ChannelModel) => this.setup(model),
    });
    this.connection = connection;
    try {
      await connection.start();
    } catch (error) {
      if (this.stopping !== null) {
        throw new Error(`${this.options.name} was stopped while starting`, { cause: error });
      }
      throw error;
    }
  }

  /** Runs after every (re)connect: a consumer channel on the new connection. */
  private async setup(model: ChannelModel): Promise<void> {
    const consumer = new ConsumerChannel(model, {
      queue: this.options.queue,
      prefetch: this.options.prefetch,
      declare: this.options.declare,
      logger: this.options.logger,
      stopping: () => this.stopping !== null,
      deliver: (on, message) => this.deliveries.deliver(on, message),
      closed: (closure) => {
        if (closure === ChannelClosure.broke) this.strikes.channelBroke();
        // A lost connection, or a channel the consumer replaced: the messages in flight come again, and it
        // was not their doing.
        else this.strikes.connectionLost();
      },
    });
    this.consumer = consumer;
    await consumer.open();
  }

  private async shutdown(): Promise<void> {
    const consumer = this.consumer;
    await consumer?.cancel();
    await this.deliveries.drain();
    // Closing the channel first makes the broker process its last acks: closing only the connection can
    // drop them, and the messages would be delivered again.
    await consumer?.close();
    await this.connection
      ?.close()
      .catch((error: Error) =>
        this.options.logger.warn('closing the broker connection', { error: error.message }),
      );
    this.connection = null;
  }
}
