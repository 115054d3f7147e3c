import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DECISION_LISTENERS } from '../orchestrator/tokens';
import { AmqpConnection } from '../transport/amqp-connection';
import { EngineMetrics } from './engine-metrics';
import { HealthCheck } from './health-check';
import { SagaStatsReader } from './saga-stats';

/** Prometheus metrics (fed by committed decisions), the dashboard statistics and the health check. */
@Global()
@Module({
  providers: [
    {
      provide: EngineMetrics,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new EngineMetrics(dataSource),
    },
    {
      provide: DECISION_LISTENERS,
      inject: [EngineMetrics],
      useFactory: (metrics: EngineMetrics) => [metrics],
    },
    {
      provide: SagaStatsReader,
      inject: [DataSource, AmqpConnection],
      useFactory: (dataSource: DataSource, connection: AmqpConnection) =>
        new SagaStatsReader(dataSource, connection),
    },
    {
      provide: HealthCheck,
      inject: [DataSource, AmqpConnection],
      useFactory: (dataSource: DataSource, connection: AmqpConnection) =>
        new HealthCheck(dataSource, connection),
    },
  ],
  exports: [EngineMetrics, DECISION_LISTENERS, SagaStatsReader, HealthCheck],
})
export class ObservabilityModule {}
