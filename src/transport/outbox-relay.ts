import type { DataSource } from 'typeorm';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type { CommandPublisher, OutboxMessage } from '../orchestrator/ports';
import { claimExpiredOutbox, deleteOutbox, releaseOutbox } from '../persistence/outbox-sql';
import { OUTBOX_LEASE_MS } from '../persistence/saga-change-sql';
import { runQuery } from '../persistence/sql';
import type { AmqpConnection } from './amqp-connection';
import { outboxProperties } from './amqp-properties';
import { publishConfirmed } from 'saga-orchestrator-sdk/internal/messaging/publish-confirmed';

const SWEEP_INTERVAL_MS = 1000;
const SWEEP_BATCH = 200;
/** Confirmed rows wait this long for a saga write to delete them before they get a statement of their own. */
const CONFIRMED_FLUSH_DELAY_MS = 100;

/**
 * Publishes committed outbox rows — commands and lifecycle events, to whichever exchange each names — with
 * publisher confirms, and deletes each row once the broker confirms it. Nothing is published mandatory: an event
 * no queue is bound to is confirmed and dropped by the broker, as `sagas.events` intends. The saga does not wait
 * for the confirm: it moves on when the participant replies. Confirmed rows are usually
 * deleted by the next saga commit (`takeConfirmed`). Rows whose publish failed, or whose writer died, are swept up
 * by any engine process once their lease runs out.
 */
export class OutboxRelay implements CommandPublisher {
  private confirmed: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
  ) {}

  startSweeping(): void {
    this.stopped = false;
    const loop = (): void => {
      this.sweeper = setTimeout(() => {
        void this.sweep().finally(() => {
          if (!this.stopped) loop();
        });
      }, SWEEP_INTERVAL_MS);
    };
    loop();
  }

  /** Stops sweeping and waits for outstanding confirms (bounded). */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearTimeout(this.sweeper);
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.flushConfirmed();
  }

  takeConfirmed(): string[] {
    const ids = this.confirmed;
    this.confirmed = [];
    return ids;
  }

  giveBackConfirmed(ids: string[]): void {
    for (const id of ids) this.markConfirmed(id);
  }

  publish(rows: OutboxMessage[]): void {
    if (rows.length === 0) return;
    const channel = this.connection.current?.publish;
    if (channel === undefined) {
      void this.release(rows);
      return;
    }
    this.connection.coalesceWrites();
    for (const row of rows) {
      this.inFlight++;
      publishConfirmed(
        channel,
        row.exchange,
        row.routingKey,
        Buffer.from(JSON.stringify(row.body)),
        outboxProperties(row),
      )
        .then(() => this.markConfirmed(row.id))
        .catch((error: Error) => {
          this.logger.warn('outbox publish failed; it will be retried', {
            sagaId: row.sagaId,
            messageId: row.messageId,
            exchange: row.exchange,
            routingKey: row.routingKey,
            error: error.message,
          });
          void this.release([row]);
        })
        .finally(() => this.inFlight--);
    }
  }

  /** Publishes rows left behind by a failed publish or a crashed engine process. */
  async sweep(): Promise<number> {
    if (!this.connection.isConnected) return 0;
    try {
      const claimed = await runQuery<OutboxMessage>(
        this.dataSource,
        claimExpiredOutbox(SWEEP_BATCH, OUTBOX_LEASE_MS),
      );
      if (claimed.rows.length > 0) {
        this.logger.info('republishing outbox rows', { count: claimed.rows.length });
        this.publish(claimed.rows);
      }
      return claimed.rows.length;
    } catch (error) {
      this.logger.warn('outbox sweep failed', { error: (error as Error).message });
      return 0;
    }
  }

  private markConfirmed(id: string): void {
    this.confirmed.push(id);
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => void this.flushConfirmed(), CONFIRMED_FLUSH_DELAY_MS);
  }

  private async flushConfirmed(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.flushing;
    const ids = this.takeConfirmed();
    if (ids.length === 0) return;
    this.flushing = runQuery(this.dataSource, deleteOutbox(ids)).then(
      () => undefined,
      (error: Error) => {
        // The rows stay; their lease runs out and they are published again (at-least-once).
        this.logger.warn('could not delete confirmed outbox rows', {
          count: ids.length,
          error: error.message,
        });
      },
    );
    await this.flushing;
  }

  private async release(rows: OutboxMessage[]): Promise<void> {
    try {
      await runQuery(this.dataSource, releaseOutbox(rows.map((row) => row.id)));
    } catch (error) {
      this.logger.warn('could not release outbox rows; their lease will expire', {
        count: rows.length,
        error: (error as Error).message,
      });
    }
  }
}
