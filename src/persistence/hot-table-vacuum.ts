import type { DataSource } from 'typeorm';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { runQuery } from './sql';

const INTERVAL_MS = 10_000;
/** saga_instances is vacuumed on every sixth round (once a minute). */
const SAGA_TABLE_EVERY = 6;

/**
 * Vacuums the tables the hot path updates and deletes from, instead of leaving it all to autovacuum, which wakes
 * only once a minute by default, waits until a fifth of a table is dead, and is switched off on some servers.
 * - outbox and saga_timers (every 10 s): each row is deleted soon after it is inserted, and their claim and poll
 *   queries walk the index from the oldest entry, so unremoved dead entries make every poll slower than the last.
 *   The tables hold only the rows in flight, so each run is cheap.
 * - saga_instances (every minute): every step replaces a row version; dead versions left in place make each
 *   lookup of a saga visit more of them.
 * saga_events and processed_replies are only inserted into. SKIP_LOCKED leaves a table that another engine process is
 * vacuuming alone; TRUNCATE false keeps VACUUM from taking the exclusive lock that giving back empty pages at a
 * table's end needs, which would make the writes of the hot path wait.
 */
export class HotTableVacuum {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rounds = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.vacuum(++this.rounds % SAGA_TABLE_EVERY === 0).finally(
        () => (this.running = null),
      );
    }, INTERVAL_MS);
  }

  /** Waits up to `timeoutMs` for a run in progress; the server finishes it anyway. */
  async stop(timeoutMs = 2000): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timeout);
  }

  async vacuum(includeSagas: boolean): Promise<void> {
    const tables = includeSagas ? 'outbox, saga_timers, saga_instances' : 'outbox, saga_timers';
    try {
      await runQuery(this.dataSource, { text: `VACUUM (SKIP_LOCKED, TRUNCATE false) ${tables}`, values: [] });
    } catch (error) {
      this.logger.warn('could not vacuum', { tables, error: (error as Error).message });
    }
  }
}
