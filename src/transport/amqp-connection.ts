import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { BrokerConnection } from 'saga-orchestrator-sdk/internal/messaging/broker-connection';
import type { BrokerTransport } from 'saga-orchestrator-sdk/internal/messaging/broker-transport';
import { parseBrokerUrls } from 'saga-orchestrator-sdk/internal/messaging/broker-urls';
import { coalesceWrites } from 'saga-orchestrator-sdk/internal/messaging/coalesce-writes';
import { hardenAmqplib } from 'saga-orchestrator-sdk/internal/messaging/harden-amqplib';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { DependencyUnavailableError } from '../core/errors';

export interface AmqpChannels {
  /** Publishes with publisher confirms. */
  publish: ConfirmChannel;
  /** Consumes with manual acknowledgement. */
  consume: Channel;
}

type OpenHandler = (channels: AmqpChannels) => Promise<void>;
/** `connectionUp`: the channels closed on their own while the connection stayed up (a channel error). */
type LossHandler = (channels: AmqpChannels, connectionUp: boolean) => void;

const REOPEN_DELAY_MS = { initial: 100, max: 5000 };
const RECONNECT_DELAYS = { initialMs: 200, maxMs: 5000, factor: 2, jitter: 0.2 };

/**
 * One broker connection that reconnects by itself with exponential backoff, trying the hosts of `AMQP_URL` in
 * order each time (BrokerConnection), and a pair of
 * channels on it that is opened again whenever either channel closes — after a reconnect, and also when the
 * broker closes a channel while the connection stays up (a channel error). Every registered open handler runs on
 * each new pair (topology, consumers).
 */
export class AmqpConnection {
  private readonly broker: BrokerConnection;
  /** The connection the channels live on; null while it is down. */
  private model: ChannelModel | null = null;
  private channels: AmqpChannels | null = null;
  private closing = false;
  private reopenTimer: NodeJS.Timeout | null = null;
  private readonly openHandlers: OpenHandler[] = [];
  private readonly lossHandlers: LossHandler[] = [];

  /**
   * `url`: one broker URL or several comma-separated ones (validated with the configuration); `transport`: how
   * each is connected to (amqplib, or embedded mode's in-process broker).
   */
  constructor(
    url: string,
    private readonly logger: Logger,
    transport?: BrokerTransport,
  ) {
    hardenAmqplib();
    const parsed = parseBrokerUrls(url);
    if (!parsed.ok) throw new Error(`AMQP_URL: ${parsed.problem}`);
    this.broker = new BrokerConnection({
      urls: parsed.urls,
      ...(transport === undefined ? {} : { transport }),
      delays: RECONNECT_DELAYS,
      log: logger,
      setup: (model) => this.connected(model),
    });
  }

  /** Runs on every new pair of channels, before they are handed out. */
  onChannelsOpen(handler: OpenHandler): void {
    this.openHandlers.push(handler);
  }

  /** Runs when the channels close unexpectedly (their deliveries in flight will come again). */
  onChannelsLost(handler: LossHandler): void {
    this.lossHandlers.push(handler);
  }

  get current(): AmqpChannels | null {
    return this.channels;
  }

  get isConnected(): boolean {
    return this.channels !== null;
  }

  /** Frames sent from now until the event-loop turn ends leave in one socket write. */
  coalesceWrites(): void {
    coalesceWrites(this.model);
  }

  /** Messages ready in a queue, read on a short-lived channel; null while the broker is unreachable. */
  async queueDepth(queue: string): Promise<number | null> {
    const exists = await this.checkQueue(queue);
    return exists === null || exists === false ? null : exists.messageCount;
  }

  /**
   * Whether a queue exists, asked on a short-lived channel of its own (a missing queue closes the channel that
   * asked); null while the broker is unreachable.
   */
  async checkQueue(queue: string): Promise<{ messageCount: number } | false | null> {
    const model = this.model;
    if (model === null || !this.isConnected) return null;
    let channel: Channel;
    try {
      channel = await model.createChannel();
    } catch (error) {
      this.logger.warn('could not open a channel to check a queue', {
        queue,
        error: (error as Error).message,
      });
      return null;
    }
    channel.on('error', () => undefined);
    try {
      return { messageCount: (await channel.checkQueue(queue)).messageCount };
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      this.logger.warn('could not check a queue', { queue, error: (error as Error).message });
      return null;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * Connected, channels open and every open handler run. Rejects with a QueueMismatchError when a queue exists
   * with other arguments than the ones declared: retrying would not mend it.
   */
  start(): Promise<void> {
    return this.broker.start();
  }

  /** Closes the channels first: acknowledgements sent just before are flushed, not lost with the connection. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reopenTimer !== null) clearTimeout(this.reopenTimer);
    const channels = this.channels;
    this.channels = null;
    // A channel the broker or amqplib is already closing says so; there is nothing to warn about.
    const warn = (error: Error) => {
      if (!/^Channel clos(ing|ed)/.test(error.message))
        this.logger.warn('closing broker connection', { error: error.message });
    };
    if (channels !== null) {
      await channels.consume.close().catch(warn);
      await channels.publish.close().catch(warn);
    }
    await this.broker.close().catch(warn);
  }

  /** After each (re)connect: the connection counts as up once this resolves. */
  private async connected(model: ChannelModel): Promise<void> {
    this.model = model;
    model.on('close', () => {
      if (this.model === model) this.model = null;
    });
    await this.openChannels(model);
  }

  private async openChannels(model: ChannelModel): Promise<void> {
    const publish = await model.createConfirmChannel();
    const consume = await model.createChannel();
    const channels = { publish, consume };
    let lost = false;
    for (const channel of [publish, consume]) {
      channel.on('error', (error: Error) =>
        this.logger.warn('broker channel error', { error: error.message }),
      );
      channel.on('close', () => {
        if (lost) return;
        lost = true;
        this.channelsClosed(model, channels);
      });
    }
    for (const handler of this.openHandlers) {
      await handler(channels);
    }
    if (lost) throw new DependencyUnavailableError('a channel closed while it was being set up');
    this.channels = channels;
  }

  /**
   * Either channel of the pair in use closed: the other goes too, and both are opened again on the same
   * connection if it is still up (a lost connection is the BrokerConnection's to mend, and it opens new channels itself).
   */
  private channelsClosed(model: ChannelModel, channels: AmqpChannels): void {
    void channels.publish.close().catch(() => undefined);
    void channels.consume.close().catch(() => undefined);
    // Channels that close while being set up were never handed out: whoever was opening them retries.
    if (this.channels !== channels || this.closing) return;
    this.channels = null;
    // The connection's own close event, if it is closing, comes in the same turn.
    setImmediate(() => {
      const connectionUp = this.model === model;
      for (const handler of this.lossHandlers) handler(channels, connectionUp);
      if (!connectionUp) return;
      this.logger.warn('broker channel closed while the connection is up; opening new channels');
      this.reopen(model, REOPEN_DELAY_MS.initial);
    });
  }

  private reopen(model: ChannelModel, delayMs: number): void {
    if (this.closing || this.model !== model || this.channels !== null) return;
    this.openChannels(model).then(
      () => this.logger.info('broker channels opened again'),
      (error: Error) => {
        this.logger.warn('could not open broker channels; retrying', { error: error.message, delayMs });
        this.reopenTimer = setTimeout(
          () => this.reopen(model, Math.min(delayMs * 2, REOPEN_DELAY_MS.max)),
          delayMs,
        );
      },
    );
  }
}
