import type { DataSource } from 'typeorm';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import {
  type RollupProgress,
  addKeptSagasNowTerminal,
  addTerminalSagas,
  keepOpenSagas,
  nextRange,
  rollupBoundary,
  rollupProgress,
  setRolledUntil,
  takeBackResolvedSagas,
  tryRollupLock,
} from '../persistence/stats-rollup-sql';
import { type Db, runQuery, writeInSnapshot } from '../persistence/sql';
import { isTransactionRollback } from '../persistence/sql-errors';

/** How often the job looks for minutes to add. */
export const ROLLUP_INTERVAL_MS = 15_000;
/**
 * A minute is added once it ended this long before now and before the oldest open transaction: a saga is written
 * with the time its start was decided, which comes a moment before the transaction that writes it begins.
 */
export const ROLLUP_LAG_MS = 60_000;
/** About how many sagas one transaction adds, so catching up on a large table goes in short steps. */
export const ROLLUP_BATCH = 20_000;

export type RollupResult =
  | { rolled: false; reason: 'locked' | 'up to date' }
  | { rolled: true; start: Date; end: Date; added: number; kept: number };

/**
 * Adds each passed minute's finished sagas to the per-minute totals the dashboard statistics read
 * (src/persistence/stats-rollup-sql.ts), and the sagas kept open since to their minute once they are terminal. Each
 * step is one REPEATABLE READ transaction under an advisory lock, so two engine processes never add the same
 * minute, and a crash anywhere leaves the totals as they were before it.
 */
export class StatsRollup {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly lagMs = ROLLUP_LAG_MS,
  ) {}

  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => {
      this.running ??= this.catchUp().finally(() => (this.running = null));
    }, ROLLUP_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Adds everything due, one batch after another; returns the last batch's result. */
  async catchUp(): Promise<RollupResult | null> {
    let last: RollupResult | null = null;
    try {
      // The kept sagas are looked at once per catch-up, not once per batch.
      let keptSagas = true;
      do {
        last = await this.rollUp({ keptSagas });
        keptSagas = false;
      } while (last.rolled && !this.stopping);
    } catch (error) {
      this.logger.warn('statistics roll-up failed', { error: (error as Error).message });
    }
    return last;
  }

  /**
   * One batch: the remembered COMPENSATION_FAILED sagas an operator moved on and the kept sagas now terminal
   * (unless told not to), then the next minutes due (about ROLLUP_BATCH sagas).
   */
  async rollUp(options: { keptSagas: boolean } = { keptSagas: true }): Promise<RollupResult> {
    const { rows } = await runQuery<{ boundary: Date }>(this.dataSource, rollupBoundary(this.lagMs));
    const boundary = rows[0]!.boundary;
    return this.addInSnapshot(boundary, options).catch((error: unknown) => {
      // Another process took the lock and committed after this snapshot began: it has moved on, this turn is
      // rolled back whole, and the next one starts from what it wrote.
      if (isTransactionRollback(error)) return { rolled: false, reason: 'locked' };
      throw error;
    });
  }

  private addInSnapshot(boundary: Date, options: { keptSagas: boolean }): Promise<RollupResult> {
    return writeInSnapshot(this.dataSource, async (db): Promise<RollupResult> => {
      const { rows: lock } = await db.query<{ locked: boolean }>(tryRollupLock());
      if (lock[0]?.locked !== true) return { rolled: false, reason: 'locked' };
      if (options.keptSagas) {
        await db.query(takeBackResolvedSagas());
        await db.query(addKeptSagasNowTerminal());
      }
      const range = await this.nextRange(db, boundary);
      if (range === null) return { rolled: false, reason: 'up to date' };
      const added = (await db.query<{ added: number }>(addTerminalSagas(range))).rows[0]?.added ?? 0;
      const kept = (await db.query(keepOpenSagas(range))).rowCount;
      await db.query(setRolledUntil(range.end));
      return { rolled: true, ...range, added, kept };
    });
  }

  /** The next range to add, or null when every minute before the boundary is added. */
  private async nextRange(db: Db, boundary: Date): Promise<{ start: Date; end: Date } | null> {
    const from = (await db.query<RollupProgress>(rollupProgress())).rows[0]?.rolled_until ?? null;
    if (from !== null && from >= boundary) return null;
    const { rows } = await db.query<{ start: Date; end: Date }>(
      nextRange({ from, boundary, batch: ROLLUP_BATCH }),
    );
    const next = rows[0];
    if (next === undefined || next.start >= boundary) {
      // No saga started since: nothing to add up to the boundary.
      if (from !== null) await db.query(setRolledUntil(boundary));
      return null;
    }
    return { start: from ?? next.start, end: next.end };
  }
}
