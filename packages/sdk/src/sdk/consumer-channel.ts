import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { DeliveryChannel } from './delivery-handler';
import type { Logger } from '../shared/logger';

/** Why a consumer channel closed. */
export const ChannelClosure = {
  /** It closed while its connection stayed up: the broker closed it, or amqplib did after an error. */
  broke: 'broke',
  /** Its connection closed, and the channel with it. */
  connectionLost: 'connection-lost',
  /** The consumer closed it (the broker had cancelled its consumer) to open another. */
  replaced: 'replaced',
} as const;
export type ChannelClosure = (typeof ChannelClosure)[keyof typeof ChannelClosure];

export interface ConsumerChannelOptions {
  /** The queue consumed. */
  queue: string;
  prefetch: number;
  /** Declares (or checks) the topology the queue needs, on each new channel before it consumes. */
  declare(channel: ConfirmChannel): Promise<void>;
  logger: Logger;
  /** True once the participant or subscriber is stopping: no channel is opened or replaced any more. */
  stopping(): boolean;
  /** Called for every delivery; must not throw (amqplib would close the channel). */
  deliver(on: DeliveryChannel, message: ConsumeMessage): void;
  /** Called once for every channel that closed, after it is known whether its connection closed too. */
  closed(closure: ChannelClosure): void;
}

/** Reopening delays: 100 ms doubling up to 5 s. */
const reopening = { initialDelay: 100, maxDelay: 5000 };

/**
 * The confirm channel a participant or a subscriber consumes on, over one connection: opened with the prefetch,
 * the topology and the consumer; when it closes while the connection stays up (the broker refused something
 * published on it), another is opened on the same connection, retrying with backoff while the connection is up. A
 * lost connection is left to amqplib's recovery, which creates a new ConsumerChannel for the next connection.
 */
export class ConsumerChannel {
  private live: { channel: ConfirmChannel; consumerTag: string } | null = null;
  private connectionClosed = false;
  private readonly replacing = new WeakSet<ConfirmChannel>();

  constructor(
    private readonly model: ChannelModel,
    private readonly options: ConsumerChannelOptions,
  ) {
    model.once('close', () => {
      this.connectionClosed = true;
    });
    // amqplib's recovery listens for (and the participant logs) connection errors only once setup is over: an
    // error raised before would be an unhandled 'error' event.
    model.on('error', () => undefined);
  }

  /** Opens the first channel; rejects when that fails, and amqplib's recovery then tries a new connection. */
  open(): Promise<void> {
    return this.openChannel();
  }

  /** Stops the consumer; the commands in flight can still be replied to and acknowledged. */
  async cancel(): Promise<void> {
    const live = this.live;
    if (live !== null) await live.channel.cancel(live.consumerTag).catch(() => undefined);
  }

  /** Closes the channel; the broker processes the acknowledgements sent before. */
  async close(): Promise<void> {
    const live = this.live;
    this.live = null;
    if (live !== null) await live.channel.close().catch(() => undefined);
  }

  private async openChannel(): Promise<void> {
    const { logger, queue } = this.options;
    const channel = await this.model.createConfirmChannel();
    let closed = false;
    channel.on('error', (error: Error) => logger.warn('broker channel error', { error: error.message }));
    channel.on('close', () => {
      closed = true;
      this.onClosed(channel);
    });
    await channel.prefetch(this.options.prefetch);
    await this.options.declare(channel);
    if (this.options.stopping()) return;
    const on = { model: this.model, channel };
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (message === null) this.onCancelled(channel);
      else this.options.deliver(on, message);
    });
    if (closed) throw new Error('the channel closed as soon as it was opened');
    this.live = { channel, consumerTag };
  }

  private onClosed(channel: ConfirmChannel): void {
    const wasLive = this.live?.channel === channel;
    if (wasLive) this.live = null;
    // amqplib closes a connection's channels just before it reports the connection closed: decide after that.
    setImmediate(() => {
      const closure = this.connectionClosed
        ? ChannelClosure.connectionLost
        : this.replacing.has(channel)
          ? ChannelClosure.replaced
          : ChannelClosure.broke;
      this.options.closed(closure);
      if (closure === ChannelClosure.connectionLost || !wasLive || this.options.stopping()) return;
      if (closure === ChannelClosure.broke) {
        this.options.logger.warn('the broker closed the consumer channel; opening another', {
          queue: this.options.queue,
        });
      }
      void this.reopen();
    });
  }

  /** The broker cancelled the consumer (its queue was deleted): a new channel declares the queue again. */
  private onCancelled(channel: ConfirmChannel): void {
    if (this.options.stopping()) return;
    this.options.logger.warn('the broker cancelled the consumer; opening another channel', {
      queue: this.options.queue,
    });
    this.replacing.add(channel);
    channel.close().catch(() => undefined);
  }

  private async reopen(): Promise<void> {
    for (let attempt = 1; !this.connectionClosed && !this.options.stopping(); attempt++) {
      try {
        await this.openChannel();
        this.options.logger.info('consumer channel opened again', { attempt });
        return;
      } catch (error) {
        const delayMs = Math.min(reopening.maxDelay, reopening.initialDelay * 2 ** (attempt - 1));
        this.options.logger.warn('could not open the consumer channel again; retrying', {
          attempt,
          delayMs,
          error: error instanceof Error ? error.message : String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}
