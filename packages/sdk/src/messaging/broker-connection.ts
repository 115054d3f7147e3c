import type { ChannelModel } from 'amqplib';
import { type BrokerTransport, amqplibTransport } from './broker-transport';
import { brokerHost } from './broker-urls';
import { QueueMismatchError } from './queue-mismatch';

/** What the connection logs through: the engine's logger or the SDK's (`src/shared/logger` has this shape). */
export interface ConnectionLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Waits between rounds through the hosts: `initialMs` × `factor`^(n-1), at most `maxMs`, ± `jitter` of it. */
export interface ReconnectDelays {
  initialMs: number;
  maxMs: number;
  factor: number;
  jitter: number;
}

export interface BrokerConnectionOptions {
  /** The broker's nodes, tried in this order on the first connect and on every reconnect. */
  urls: readonly string[];
  delays: ReconnectDelays;
  log: ConnectionLog;
  /** How each host is connected to; default amqplib (RabbitMQ). */
  transport?: BrokerTransport;
  /**
   * Runs on every new connection before it counts as connected (channels, topology, consumers). When it rejects,
   * the connection is closed and the next host is tried.
   */
  setup(model: ChannelModel): Promise<void>;
}

/**
 * A broker connection that reconnects by itself, over the nodes of a cluster: each round tries the hosts in order
 * and keeps the first that connects and sets up; when every host failed, the next round waits with backoff. A lost
 * connection starts again from the first host. (amqplib's own recovery knows one URL only.)
 *
 * A queue that exists with other arguments (QueueMismatchError) is not mended by retrying: before the first
 * connection it fails `start`; afterwards it is logged as an error on every round.
 */
export class BrokerConnection {
  private model: ChannelModel | null = null;
  private stopped = false;
  private connectedOnce = false;
  private started = false;
  private round = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly first: Promise<void>;
  private settleFirst: { resolve(): void; reject(error: Error): void } | null = null;

  constructor(private readonly options: BrokerConnectionOptions) {
    this.first = new Promise<void>((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    // Nobody may be waiting when close() rejects it.
    this.first.catch(() => undefined);
  }

  /** Starts connecting; resolves once connected and set up the first time. */
  start(): Promise<void> {
    if (!this.started && !this.stopped) void this.connectRound();
    this.started = true;
    return this.first;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.failFirst(new Error('the broker connection was closed before it connected'));
    const model = this.model;
    this.model = null;
    await model?.close().catch(() => undefined);
  }

  private async connectRound(): Promise<void> {
    this.round += 1;
    const failures: string[] = [];
    for (const url of this.options.urls) {
      if (this.stopped) return;
      const host = brokerHost(url);
      try {
        await this.connectTo(url, host);
        return;
      } catch (error) {
        const reason = describe(error);
        if (error instanceof QueueMismatchError) {
          if (!this.connectedOnce) return this.giveUp(error);
          this.options.log.error('the broker refused a queue declaration; retrying', { host, error: reason });
          failures.push(`${host}: ${reason}`);
          break;
        }
        failures.push(`${host}: ${reason}`);
        if (this.options.urls.length > 1) {
          this.options.log.warn('could not connect to a broker host; trying the next', {
            host,
            error: reason,
          });
        }
      }
    }
    this.options.log.warn('broker unreachable; retrying', {
      attempt: this.round,
      delayMs: this.nextRound(),
      error: failures.join('; '),
    });
  }

  private async connectTo(url: string, host: string): Promise<void> {
    const model = await (this.options.transport ?? amqplibTransport).connect(url);
    let closed = false;
    model.on('error', (error: Error) =>
      this.options.log.warn('broker connection error', { host, error: error.message }),
    );
    model.on('close', (error?: Error) => {
      closed = true;
      this.lost(model, host, error);
    });
    try {
      await this.options.setup(model);
      if (closed) throw new Error('the connection closed while it was being set up');
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await model.close().catch(() => undefined);
      return;
    }
    this.model = model;
    this.round = 0;
    this.connectedOnce = true;
    this.options.log.info('connected to the broker', { host });
    this.settleFirst?.resolve();
    this.settleFirst = null;
  }

  private lost(model: ChannelModel, host: string, error: Error | undefined): void {
    if (this.model !== model) return;
    this.model = null;
    if (this.stopped) return;
    this.options.log.warn('broker connection lost; reconnecting', {
      host,
      error: error?.message ?? 'closed by the broker',
    });
    this.nextRound();
  }

  /** Schedules the next round through the hosts; returns its delay. */
  private nextRound(): number {
    const delayMs = reconnectDelayMs(this.options.delays, Math.max(1, this.round), Math.random);
    if (this.stopped || this.timer !== null) return delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connectRound();
    }, delayMs);
    return delayMs;
  }

  private giveUp(error: Error): void {
    this.stopped = true;
    this.failFirst(error);
  }

  private failFirst(error: Error): void {
    this.settleFirst?.reject(error);
    this.settleFirst = null;
  }
}

/** The wait before round `round` + 1 (`random()` in [0, 1)). */
export function reconnectDelayMs(delays: ReconnectDelays, round: number, random: () => number): number {
  const base = Math.min(delays.maxMs, delays.initialMs * delays.factor ** (round - 1));
  return Math.round(base * (1 - delays.jitter + 2 * delays.jitter * random()));
}

/** One line, whatever was thrown (a refused connection to a name with two addresses is an AggregateError). */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((inner) => describe(inner)).join(', ');
  }
  return error instanceof Error ? error.message : String(error);
}
