import { type ChannelModel, type RecoveringChannelModel, connect } from 'amqplib';
import { commandQueueName } from '../contracts/topology';
import { DeliveryStrikes } from '../messaging/delivery-strikes';
import { hardenAmqplib } from '../messaging/harden-amqplib';
import { ActionTurns } from './action-turns';
import { ChannelClosure, ConsumerChannel } from './consumer-channel';
import { DeliveryHandler } from './delivery-handler';
import { type CompiledOptions, type ParticipantOptions, compileOptions } from './options';

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

/** A participant service's side of the wire protocol (docs/wire-protocol.md): commands in, replies out. */
export function createParticipant(options: ParticipantOptions): Participant {
  const compiled = compileOptions(options);
  hardenAmqplib();
  return new AmqpParticipant(compiled);
}

/** Reconnect delays: 200 ms doubling up to 10 s, ±20 %. */
const recovery = { initialDelay: 200, maxDelay: 10000, factor: 2, jitter: 0.2 };

class AmqpParticipant implements Participant {
  private readonly queue: string;
  private readonly deliveries: DeliveryHandler;
  /** One for the participant's lifetime: strikes must survive the channels and connections they are about. */
  private readonly strikes = new DeliveryStrikes();
  private connection: RecoveringChannelModel | null = null;
  private consumer: ConsumerChannel | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: CompiledOptions) {
    this.queue = commandQueueName(options.participant);
    this.deliveries = new DeliveryHandler({
      commands: {
        handlers: options.handlers,
        idempotency: options.idempotency,
        actionTurns: new ActionTurns(),
        logger: options.logger,
        now: () => new Date(),
        newId: () => crypto.randomUUID(),
        maxCommandBytes: options.maxCommandBytes,
      },
      logger: options.logger,
      strikes: this.strikes,
      maxReplyBytes: options.maxReplyBytes,
      userId: options.userId,
      stopping: () => this.stopping !== null,
    });
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

  /** Runs after every (re)connect: a consumer channel on the new connection. */
  private async setup(model: ChannelModel): Promise<void> {
    const consumer = new ConsumerChannel(model, {
      participant: this.options.participant,
      prefetch: this.options.prefetch,
      declareTopology: this.options.declareTopology,
      logger: this.options.logger,
      stopping: () => this.stopping !== null,
      deliver: (on, message) => this.deliveries.deliver(on, message),
      closed: (closure) => {
        if (closure === ChannelClosure.broke) this.strikes.channelBroke();
        // A lost connection, or a channel the participant replaced: the messages in flight come again, and it
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
    // drop them, and the commands would be delivered again.
    await consumer?.close();
    await this.connection
      ?.close()
      .catch((error: Error) =>
        this.options.logger.warn('closing the broker connection', { error: error.message }),
      );
    this.connection = null;
  }
}
