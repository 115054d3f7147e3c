import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { coalesceWrites } from '../messaging/coalesce-writes';
import type { Logger } from '../orchestrator/logger';

export interface AmqpChannels {
  /** Publishes with publisher confirms. */
  publish: ConfirmChannel;
  /** Consumes with manual acknowledgement. */
  consume: Channel;
}

type SetupHandler = (channels: AmqpChannels) => Promise<void>;

/**
 * One broker connection that reconnects by itself with exponential backoff (amqplib's recovery). After each
 * (re)connect, fresh channels are made and every registered setup handler runs again (topology, consumers).
 */
export class AmqpConnection {
  private model: Awaited<ReturnType<typeof connectRecovering>> | null = null;
  private channels: AmqpChannels | null = null;
  private connected: ChannelModel | null = null;
  private readonly setupHandlers: SetupHandler[] = [];

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  onConnected(handler: SetupHandler): void {
    this.setupHandlers.push(handler);
  }

  get current(): AmqpChannels | null {
    return this.channels;
  }

  get isConnected(): boolean {
    return this.channels !== null;
  }

  /** Frames sent from now until the event-loop turn ends leave in one socket write. */
  coalesceWrites(): void {
    coalesceWrites(this.connected);
  }

  /** Messages ready in a queue, read on a short-lived channel; null while the broker is unreachable. */
  async queueDepth(queue: string): Promise<number | null> {
    if (this.model === null || !this.isConnected) return null;
    try {
      const channel = await this.model.createChannel();
      try {
        return (await channel.checkQueue(queue)).messageCount;
      } finally {
        await channel.close().catch(() => undefined);
      }
    } catch (error) {
      this.logger.warn('could not read a queue depth', { queue, error: (error as Error).message });
      return null;
    }
  }

  async start(): Promise<void> {
    this.model = await connectRecovering(this.url, (model) => this.setup(model));
    this.model.on('disconnect', (error: Error) => {
      this.channels = null;
      this.logger.warn('broker connection lost; reconnecting', { error: error.message });
    });
    this.model.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) => {
      this.logger.warn('broker reconnect scheduled', { attempt, delayMs: delay });
    });
    this.model.on('error', (error: Error) =>
      this.logger.warn('broker connection error', { error: error.message }),
    );
    await this.model.waitForConnect();
  }

  /** Closes the channels first: acknowledgements sent just before are flushed, not lost with the connection. */
  async close(): Promise<void> {
    const channels = this.channels;
    this.channels = null;
    const warn = (error: Error) => this.logger.warn('closing broker connection', { error: error.message });
    if (channels !== null) {
      await channels.consume.close().catch(warn);
      await channels.publish.close().catch(warn);
    }
    await this.model?.close().catch(warn);
  }

  private async setup(model: ChannelModel): Promise<void> {
    const publish = await model.createConfirmChannel();
    const consume = await model.createChannel();
    for (const channel of [publish, consume]) {
      channel.on('error', (error: Error) =>
        this.logger.warn('broker channel error', { error: error.message }),
      );
      channel.on('close', () => {
        this.channels = null;
      });
    }
    this.connected = model;
    const channels = { publish, consume };
    for (const handler of this.setupHandlers) {
      await handler(channels);
    }
    this.channels = channels;
    this.logger.info('broker connected');
  }
}

function connectRecovering(url: string, setup: (model: ChannelModel) => Promise<void>) {
  return connect(url, {
    // Without it, Nagle's algorithm holds small frames (acks, replies) back ~40 ms waiting for the peer's ACK.
    noDelay: true,
    recovery: { initialDelay: 200, maxDelay: 5000, factor: 2, jitter: 0.2, waitForConnect: false, setup },
  });
}
