import type { DataSource } from 'typeorm';
import { Topology } from 'saga-orchestrator-sdk/contracts';
import type { AmqpConnection } from '../transport/amqp-connection';
import { countDeadLetters } from '../persistence/dead-letter-sql';
import { type DeletedRows, oldestOverdue } from '../persistence/retention-sql';
import { type Db, type SqlStatement, readSnapshot } from '../persistence/sql';
import type { SagaStats } from './saga-stats-schema';
import { type RollupProgress, rollupProgress } from '../persistence/stats-rollup-sql';
import {
  type StatsWindow,
  countByStatus,
  countOpen,
  durationBuckets,
  finishedPerMinute,
  startedPerMinute,
  statsSources,
  stepOutcomes,
  unfinished,
} from '../persistence/stats-sql';
import { type BucketCount, durationPercentile } from '../shared/duration-histogram';

export type { SagaStats } from './saga-stats-schema';

/** How often a step of sagas started in the window ran, was skipped, failed and was compensated. */
interface StepCounts {
  saga: string;
  step: string;
  ran: number;
  skipped: number;
  failed: number;
  compensated: number;
}

/** Where the statistics learn about retention. */
export interface RetentionSource {
  period: string;
  /** Now minus RETENTION. */
  cutoff(): Date;
  deletedTotal(): Promise<DeletedRows>;
}

type StepOutcomeRow = StepCounts & { compensation_failed: number };

/** The dashboard statistics; the dead-letter depth comes from the broker (null when it is down). */
export class SagaStatsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly retention: RetentionSource,
  ) {}

  read(window: StatsWindow): Promise<SagaStats> {
    return readSagaStats(
      this.dataSource,
      window,
      () => this.connection.queueDepth(Topology.deadLetterQueue),
      this.retention,
    );
  }
}

/**
 * One statement after another: they share one connection and one snapshot, so the per-minute totals and the sagas
 * read live never count a saga twice or miss one.
 */
async function readStatsRows(db: Db, window: StatsWindow, retentionCutoff: Date) {
  const query = async <Row>(statement: SqlStatement) => (await db.query<Row>(statement)).rows;
  const progress = await query<RollupProgress>(rollupProgress());
  const sources = statsSources(window, progress[0] ?? null);
  type PerMinute = { minute: Date; count: number };
  return {
    counts: await query<SagaStats['counts'][number]>(countByStatus(sources)),
    open: await query<SagaStats['open'][number]>(countOpen(window)),
    started: await query<PerMinute>(startedPerMinute(sources)),
    finished: await query<PerMinute>(finishedPerMinute(sources)),
    durations: await query<BucketCount>(durationBuckets(sources)),
    steps: await query<StepOutcomeRow>(stepOutcomes(sources)),
    unfinishedNow: await query<{
      oldest_age_seconds: number | null;
      past_deadline: number;
      suspended: number;
    }>(unfinished(window)),
    stored: await query<{ count: number }>(countDeadLetters()),
    overdue: await query<{ seconds: number }>(oldestOverdue(retentionCutoff)),
  };
}

async function readSagaStats(
  dataSource: DataSource,
  window: StatsWindow,
  deadLetterDepth: () => Promise<number | null>,
  retention: RetentionSource,
): Promise<SagaStats> {
  const [rows, depth, deleted] = await Promise.all([
    readSnapshot(dataSource, (db) => readStatsRows(db, window, retention.cutoff())),
    deadLetterDepth(),
    retention.deletedTotal(),
  ]);
  const { counts, open, started, finished, durations, steps, unfinishedNow, stored, overdue } = rows;
  const rate = (part: number, whole: number) =>
    whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
  const perMinute = (row: { minute: Date; count: number }) => ({
    minute: row.minute.toISOString(),
    count: row.count,
  });
  return {
    window: { since: window.since.toISOString(), name: window.name },
    counts,
    open,
    startedPerMinute: started.map(perMinute),
    finishedPerMinute: finished.map(perMinute),
    duration: {
      finished: durations.reduce((sum, { count }) => sum + count, 0),
      p50Ms: durationPercentile(durations, 0.5),
      p95Ms: durationPercentile(durations, 0.95),
      p99Ms: durationPercentile(durations, 0.99),
    },
    steps: steps.map(({ compensation_failed, ...row }) => ({
      ...row,
      compensationFailed: compensation_failed,
      failureRate: rate(row.failed, row.ran),
      compensationRate: rate(row.compensated, row.ran),
    })),
    oldestUnfinishedAgeSeconds: unfinishedNow[0]?.oldest_age_seconds ?? null,
    pastDeadline: unfinishedNow[0]?.past_deadline ?? 0,
    suspended: unfinishedNow[0]?.suspended ?? 0,
    deadLetters: { stored: stored[0]?.count ?? 0, inQueue: depth },
    retention: {
      period: retention.period,
      deletedTotal: deleted,
      oldestOverdueSeconds: overdue[0]?.seconds ?? 0,
    },
  };
}
