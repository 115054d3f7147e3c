import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { EngineMetrics } from '../observability/engine-metrics';
import type { Clock } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { CLOCK, LOGGER } from '../shared/tokens';
import { RetentionSweeper } from './retention-sweeper';

/** Deletes finished sagas and dead letters past RETENTION, in the background, while the engine runs. */
@Module({})
export class RetentionModule implements OnApplicationBootstrap, OnModuleDestroy {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RetentionModule,
      providers: [
        {
          provide: RetentionSweeper,
          inject: [DataSource, CLOCK, LOGGER, EngineMetrics],
          useFactory: (dataSource: DataSource, clock: Clock, logger: Logger, metrics: EngineMetrics) =>
            new RetentionSweeper({
              dataSource,
              clock,
              logger,
              retentionMs: config.retention.ms,
              listener: metrics,
            }),
        },
      ],
      exports: [RetentionSweeper],
    };
  }

  constructor(@Inject(RetentionSweeper) private readonly sweeper: RetentionSweeper) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  /** Stops sweeping before the database closes; a sweep in progress ends after its current statement. */
  async onModuleDestroy(): Promise<void> {
    await this.sweeper.stop();
  }
}
