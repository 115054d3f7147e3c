import {
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type RecoveringChannelModel,
  connect,
} from 'amqplib';
import { commandQueueName } from '../contracts/topology';
import { type DispatchEnvironment, dispatch } from './dispatch';
import { type CompiledOptions, type ParticipantOptions, compileOptions } from './options';
import { deadLetter } from '../messaging/dead-letter';
import { declareParticipantQueue, declareSharedTopology } from '../messaging/topology';
import { publishReply } from './publish';
import { coalesceWrites } from '../messaging/coalesce-writes';

export interface Participant {
  /** The participant's name: it consumes `sagas.commands.<name>`. */
  readonly name: string;
  /**
   * Connects (retrying with backoff until the broker answers), declares the topology and starts consuming.
   * After a lost connection it reconnects by itself and does all of that again.
   */
  start(): Promise<void>;
  /** Stops consuming, waits for the commands being handled to be replied to, then closes the connection. */
  stop(): Promise<void>;
}

/** A participant service's side of the wire protocol (CONTRACT §3): commands in, replies out. */
export function createParticipant(options: ParticipantOptions): Participant {
  return new AmqpParticipant(compileOptions(options));
}

/** Reconnect delays: 200 ms doubling up to 10 s, ±20 %. */
const recovery = { initialDelay: 200, maxDelay: 10000, factor: 2, jitter: 0.2 };

class AmqpParticipant implements Participant {
  private readonly queue: string;
  private readonly env: DispatchEnvironment;
  private connection: RecoveringChannelModel | null = null;
  private consumer: { channel: ConfirmChannel; tag: string } | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: CompiledOptions) {
    this.queue = commandQueueName(options.participant);
    this.env = {
      handlers: options.handlers,
      idempotency: options.idempotency,
      logger: options.logger,
      now: () => new Date(),
      newId: () => crypto.randomUUID(),
    };
  }

  get name(): string {
    return this.options.participant;
  }

  start(): Promise<void> {
    if (this.stopping !== null) return Promise.reject(new Error(`participant ${this.name} was stopped`));
    this.starting ??= this.connect();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async connect(): Promise<void> {
    const { logger } = this.options;
    const connection = await connect(this.options.url, {
      // Replies and acks are small frames: send them at once instead of waiting ~40 ms (Nagle).
      noDelay: true,
      recovery: { ...recovery, waitForConnect: false, setup: (model: ChannelModel) => this.setup(model) },
    });
    this.connection = connection;
    connection.on('connect', () => logger.info('connected to the broker', { queue: this.queue }));
    connection.on('disconnect', (error: Error) =>
      logger.warn('broker connection lost; reconnecting', { error: error.message }),
    );
    connection.on('reconnect-scheduled', ({ attempt, delay, error }) =>
      logger.warn('broker unreachable; retrying', { attempt, delayMs: delay, error: error.message }),
    );
    connection.on('error', (error: Error) =>
      logger.warn('broker connection error', { error: error.message }),
    );
    if (this.stopping !== null) {
      await connection.close();
      throw new Error(`participant ${this.name} was stopped while starting`);
    }
    await connection.waitForConnect();
  }

  /** Runs after every (re)connect: a fresh confirm channel, the topology, the consumer. */
  private async setup(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) =>
      this.options.logger.warn('broker channel error', { error: error.message }),
    );
    channel.on('close', () => this.onChannelClosed(model, channel));
    await channel.prefetch(this.options.prefetch);
    await declareSharedTopology(channel);
    await declareParticipantQueue(channel, this.options.participant);
    if (this.stopping !== null) return;
    const { consumerTag } = await channel.consume(this.queue, (message) =>
      this.onDelivery(model, channel, message),
    );
    this.consumer = { channel, tag: consumerTag };
  }

  /**
   * The consumer lives on this channel: when it closes on its own (a channel error while the connection
   * stays up), the connection is closed too so that recovery sets everything up again.
   */
  private onChannelClosed(model: ChannelModel, channel: ConfirmChannel): void {
    if (this.consumer?.channel === channel) this.consumer = null;
    if (this.stopping === null) model.close().catch(() => undefined);
  }

  private onDelivery(model: ChannelModel, channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      if (this.stopping !== null) return;
      this.options.logger.warn('the broker cancelled the consumer; reconnecting', { queue: this.queue });
      model.close().catch(() => undefined);
      return;
    }
    if (this.stopping !== null) {
      settle(() => channel.nack(message, false, true));
      return;
    }
    const work = this.process(model, channel, message).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /**
   * Acknowledges the command only once its reply (or its dead letter) is confirmed. When that publish fails
   * the command is requeued, or, if the channel is gone, redelivered by the broker anyway.
   */
  private async process(
    model: ChannelModel,
    channel: ConfirmChannel,
    message: ConsumeMessage,
  ): Promise<void> {
    try {
      const outcome = await dispatch(
        {
          content: message.content,
          headers: message.properties.headers ?? {},
          sendProgress: (progress) => publishReply(channel, message, progress),
        },
        this.env,
      );
      const published =
        outcome.kind === 'reply'
          ? publishReply(channel, message, outcome.reply)
          : deadLetter(channel, message, outcome.reason);
      coalesceWrites(model);
      await published;
      channel.ack(message);
      coalesceWrites(model);
    } catch (error) {
      this.options.logger.error('reply not confirmed; the command will be delivered again', {
        messageId: message.properties.messageId,
        error: error instanceof Error ? error.message : String(error),
      });
      settle(() => channel.nack(message, false, true));
    }
  }

  private async shutdown(): Promise<void> {
    const consumer = this.consumer;
    if (consumer !== null) {
      await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    }
    while (this.inFlight.size > 0) {
      await Promise.all(this.inFlight);
    }
    // Closing the channel first makes the broker process its last acks: closing only the connection can
    // drop them, and the commands would be delivered again.
    await consumer?.channel.close().catch(() => undefined);
    await this.connection
      ?.close()
      .catch((error: Error) =>
        this.options.logger.warn('closing the broker connection', { error: error.message }),
      );
    this.connection = null;
  }
}

/** Acks and nacks throw once their channel is closed; the broker then redelivers by itself. */
function settle(operation: () => void): void {
  try {
    operation();
  } catch {
    // the channel is closed: nothing left to settle
  }
}
