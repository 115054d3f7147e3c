import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Decision } from '../core/effects';
import { SagaEventType } from '../core/events';
import type { DecisionListener } from '../orchestrator/ports';
import {
  type DeletedRows,
  oldestOverdue,
  noDeletedRows,
  retentionTables,
} from '../persistence/retention-sql';
import { runQuery } from '../persistence/sql';

const FINISHED: Partial<Record<string, string>> = {
  [SagaEventType.sagaCompleted]: 'COMPLETED',
  [SagaEventType.sagaCompensated]: 'COMPENSATED',
  [SagaEventType.sagaCompensationFailed]: 'COMPENSATION_FAILED',
};

/** Prometheus metrics of one engine process, fed by committed decisions; database gauges read at scrape. */
export class EngineMetrics implements DecisionListener {
  readonly registry = new Registry();
  private readonly started = new Counter({
    name: 'saga_started_total',
    help: 'Sagas started, by saga name',
    labelNames: ['saga'],
    registers: [this.registry],
  });
  private readonly finished = new Counter({
    name: 'saga_finished_total',
    help: 'Sagas that reached a terminal status, by saga name and status',
    labelNames: ['saga', 'status'],
    registers: [this.registry],
  });
  private readonly stepLatency = new Histogram({
    name: 'saga_step_duration_seconds',
    help: 'From the first attempt of a step to its success, by saga and step',
    labelNames: ['saga', 'step'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly suspended = new Counter({
    name: 'saga_suspended_total',
    help: 'Sagas suspended past their pivot to wait for an operator, by saga name and step',
    labelNames: ['saga', 'step'],
    registers: [this.registry],
  });
  private readonly deadLettered = new Counter({
    name: 'saga_replies_dead_lettered_total',
    help: 'Replies moved to sagas.dead-letter',
    registers: [this.registry],
  });
  private readonly retentionDeletedRows = new Counter({
    name: 'saga_retention_deleted_total',
    help: 'Rows past RETENTION this engine process deleted, by table',
    labelNames: ['table'],
    registers: [this.registry],
  });

  /** `retentionCutoff` tells when a row now passes retention (now minus RETENTION). */
  constructor(dataSource: DataSource, retentionCutoff: () => Date) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'saga_outbox_lag_seconds',
      help: 'Age of the oldest outbox message (command or lifecycle event) not yet confirmed by the broker (0 when none)',
      registers: [this.registry],
      async collect() {
        const { rows } = await runQuery<{ lag: number | null }>(dataSource, {
          text: 'SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS lag FROM outbox',
          values: [],
        });
        this.set(rows[0]?.lag ?? 0);
      },
    });
    new Gauge({
      name: 'saga_timers_pending',
      help: 'Durable timers waiting to fire',
      registers: [this.registry],
      async collect() {
        const { rows } = await runQuery<{ n: string }>(dataSource, {
          text: 'SELECT count(*) AS n FROM saga_timers',
          values: [],
        });
        this.set(Number(rows[0]?.n ?? 0));
      },
    });
    new Gauge({
      name: 'saga_retention_oldest_overdue_seconds',
      help: 'How long past RETENTION the oldest finished saga or dead letter still kept is (0 when none)',
      registers: [this.registry],
      async collect() {
        const { rows } = await runQuery<{ seconds: number }>(dataSource, oldestOverdue(retentionCutoff()));
        this.set(rows[0]?.seconds ?? 0);
      },
    });
    for (const table of retentionTables) this.retentionDeletedRows.inc({ table }, 0);
  }

  committed(decision: Decision): void {
    const saga = decision.state.name;
    for (const entry of decision.events) {
      if (entry.type === SagaEventType.sagaStarted) this.started.inc({ saga });
      const status = FINISHED[entry.type];
      if (status !== undefined) this.finished.inc({ saga, status });
      if (entry.type === SagaEventType.sagaSuspended) this.suspended.inc({ saga, step: entry.step ?? '' });
      if (entry.type === SagaEventType.stepSucceeded && entry.step !== null) {
        const startedAt = decision.state.steps.find((s) => s.name === entry.step)?.startedAt;
        if (startedAt) {
          const seconds = (Date.parse(entry.at) - Date.parse(startedAt)) / 1000;
          this.stepLatency.observe({ saga, step: entry.step }, seconds);
        }
      }
    }
  }

  replyDeadLettered(): void {
    this.deadLettered.inc();
  }

  retentionDeleted(rows: DeletedRows): void {
    for (const table of retentionTables) {
      if (rows[table] > 0) this.retentionDeletedRows.inc({ table }, rows[table]);
    }
  }

  /** The rows this engine process deleted since it started, by table. */
  async retentionDeletedTotal(): Promise<DeletedRows> {
    const total = noDeletedRows();
    for (const { labels, value } of (await this.retentionDeletedRows.get()).values) {
      const table = retentionTables.find((name) => name === labels.table);
      if (table !== undefined) total[table] = value;
    }
    return total;
  }
}
