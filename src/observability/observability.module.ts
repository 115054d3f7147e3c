import { Global, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { retentionCutoff } from '../persistence/retention-sql';
import type { Clock } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { CLOCK, LOGGER } from '../shared/tokens';
import { DECISION_LISTENERS } from '../orchestrator/tokens';
import { AmqpConnection } from '../transport/amqp-connection';
import { EngineMetrics } from './engine-metrics';
import { HealthCheck } from './health-check';
import { SagaStatsReader } from './saga-stats';
import { StatsRollup } from './stats-rollup';
import { SagaTracing } from './tracing';
import { TracingExport } from './tracing-setup';

/** Now minus RETENTION, on the engine's clock. */
const RETENTION_CUTOFF = Symbol('RETENTION_CUTOFF');

/**
 * Prometheus metrics (fed by committed decisions and the retention sweep), the traces of sagas (made from committed
 * decisions), the dashboard statistics with their per-minute totals, and the health check.
 */
@Global()
@Module({
  providers: [
    {
      provide: RETENTION_CUTOFF,
      inject: [APP_CONFIG, CLOCK],
      useFactory: (config: AppConfig, clock: Clock) => () =>
        retentionCutoff(clock.now(), config.retention.ms),
    },
    {
      provide: EngineMetrics,
      inject: [DataSource, RETENTION_CUTOFF],
      useFactory: (dataSource: DataSource, cutoff: () => Date) => new EngineMetrics(dataSource, cutoff),
    },
    {
      provide: DECISION_LISTENERS,
      inject: [EngineMetrics],
      useFactory: (metrics: EngineMetrics) => [metrics, new SagaTracing()],
    },
    {
      provide: TracingExport,
      inject: [LOGGER],
      useFactory: (logger: Logger) => new TracingExport(logger),
    },
    {
      provide: SagaStatsReader,
      inject: [DataSource, AmqpConnection, APP_CONFIG, RETENTION_CUTOFF, EngineMetrics],
      useFactory: (
        dataSource: DataSource,
        connection: AmqpConnection,
        config: AppConfig,
        cutoff: () => Date,
        metrics: EngineMetrics,
      ) =>
        new SagaStatsReader(dataSource, connection, {
          period: config.retention.text,
          cutoff,
          deletedTotal: () => metrics.retentionDeletedTotal(),
        }),
    },
    {
      provide: StatsRollup,
      inject: [DataSource, LOGGER],
      useFactory: (dataSource: DataSource, logger: Logger) => new StatsRollup(dataSource, logger),
    },
    {
      provide: HealthCheck,
      inject: [DataSource, AmqpConnection],
      useFactory: (dataSource: DataSource, connection: AmqpConnection) =>
        new HealthCheck(dataSource, connection),
    },
  ],
  exports: [EngineMetrics, DECISION_LISTENERS, SagaStatsReader, StatsRollup, HealthCheck],
})
export class ObservabilityModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(StatsRollup) private readonly rollup: StatsRollup,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.statsRollup) this.rollup.start();
  }

  /** Stops the roll-up before the database closes; a batch in progress commits or rolls back first. */
  async onModuleDestroy(): Promise<void> {
    await this.rollup.stop();
  }
}
