import type { DataSource } from 'typeorm';
import {
  type DeletedRows,
  type RetentionTable,
  expireDeadLetters,
  expireSagas,
  noDeletedRows,
  releaseRetentionLock,
  retentionCutoff,
  retentionTables,
  tryRetentionLock,
  vacuumAfterRetention,
} from '../persistence/retention-sql';
import { type Db, type SqlStatement, onOneConnection, runQuery } from '../persistence/sql';
import { expireTotals } from '../persistence/stats-rollup-sql';
import type { Clock } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';

/** The most sagas, or dead letters, one statement deletes. */
export const RETENTION_BATCH = 1_000;

/** Told what each statement deleted (the engine's metrics). */
export interface RetentionListener {
  retentionDeleted(rows: DeletedRows): void;
}

/**
 * Skipped while another engine process sweeps; otherwise what each statement deleted, in order: the statements on
 * sagas (with their rows in the other tables), then those on dead letters.
 */
export type SweepResult =
  { swept: false } | { swept: true; sagaStatements: DeletedRows[]; deadLetterStatements: DeletedRows[] };

export interface RetentionSweeperOptions {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  retentionMs: number;
  listener: RetentionListener;
  batchSize?: number;
  /** Awaited between two statements of a sweep; by default it lets the engine's other work run first. */
  betweenBatches?: () => Promise<void>;
}

/** A tenth of the retention period, at least once a minute and at most once a second. */
export function sweepIntervalMs(retentionMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(retentionMs / 10)));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

type ExpireStatement = (params: { cutoff: string; limit: number }) => SqlStatement;

/**
 * Deletes finished sagas (with their log, replies and timers) and dead letters once they are older than the
 * retention period, batch after batch, until none is left, then the statistics' per-minute totals before it. One
 * engine process sweeps at a time: a sweep holds a PostgreSQL advisory lock on its connection, and an engine
 * process that cannot take it skips its turn.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly batchSize: number;
  private readonly betweenBatches: () => Promise<void>;

  constructor(private readonly options: RetentionSweeperOptions) {
    this.batchSize = options.batchSize ?? RETENTION_BATCH;
    this.betweenBatches = options.betweenBatches ?? nextTurn;
  }

  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => {
      this.running ??= this.sweepAndLog().finally(() => (this.running = null));
    }, sweepIntervalMs(this.options.retentionMs));
  }

  /** Stops sweeping; a sweep in progress ends after its current statement, without the vacuum. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async sweep(): Promise<SweepResult> {
    const cutoff = retentionCutoff(this.options.clock.now(), this.options.retentionMs).toISOString();
    const result = await onOneConnection(
      this.options.dataSource,
      async (db): Promise<SweepResult> => {
        const { rows } = await db.query<{ locked: boolean }>(tryRetentionLock());
        if (rows[0]?.locked !== true) return { swept: false };
        const sagaStatements = await this.drain(db, expireSagas, 'saga_instances', cutoff);
        const deadLetterStatements = await this.drain(db, expireDeadLetters, 'dead_letters', cutoff);
        await db.query(expireTotals(new Date(cutoff)));
        await db.query(releaseRetentionLock());
        return { swept: true, sagaStatements, deadLetterStatements };
      },
      // A failed sweep closes its connection, and the lock with it.
      { discardOnError: true },
    );
    if (result.swept && statementsOf(result).some(deletedAny) && !this.stopping) {
      await runQuery(this.options.dataSource, vacuumAfterRetention()).catch((error: unknown) =>
        this.options.logger.warn('could not vacuum after retention', { error: (error as Error).message }),
      );
    }
    return result;
  }

  /** Runs `expire` until a statement deletes fewer than a batch of `counted` (or the sweeper stops). */
  private async drain(
    db: Db,
    expire: ExpireStatement,
    counted: RetentionTable,
    cutoff: string,
  ): Promise<DeletedRows[]> {
    const statements: DeletedRows[] = [];
    for (;;) {
      const { rows } = await db.query<Partial<DeletedRows>>(expire({ cutoff, limit: this.batchSize }));
      const deleted = { ...noDeletedRows(), ...rows[0] };
      statements.push(deleted);
      this.options.listener.retentionDeleted(deleted);
      if (deleted[counted] < this.batchSize || this.stopping) return statements;
      await this.betweenBatches();
    }
  }

  private async sweepAndLog(): Promise<void> {
    const began = Date.now();
    try {
      const result = await this.sweep();
      if (!result.swept) return;
      const statements = statementsOf(result);
      if (!statements.some(deletedAny)) return;
      const total = noDeletedRows();
      for (const statement of statements) {
        for (const table of retentionTables) total[table] += statement[table];
      }
      this.options.logger.info('retention deleted rows past RETENTION', {
        ...total,
        statements: statements.length,
        ms: Date.now() - began,
      });
    } catch (error) {
      this.options.logger.warn('retention sweep failed', { error: (error as Error).message });
    }
  }
}

function statementsOf(result: SweepResult & { swept: true }): DeletedRows[] {
  return [...result.sagaStatements, ...result.deadLetterStatements];
}

function deletedAny(rows: DeletedRows): boolean {
  return retentionTables.some((table) => rows[table] > 0);
}
