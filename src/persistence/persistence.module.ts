import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { SAGA_STORE } from '../orchestrator/tokens';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { LOGGER } from '../shared/tokens';
import { dataSourceOptions, openDatabase } from './data-source';
import { HotTableVacuum } from './hot-table-vacuum';
import { PgSagaStore } from './pg-saga-store';
import { SagaReader } from './saga-reader';

/**
 * The database: TypeORM's data source (created if missing, migrated, closed by TypeORM at shutdown), the saga
 * store on it, the dashboard's reads, and the vacuum of the hot tables.
 */
@Global()
@Module({})
export class PersistenceModule implements OnApplicationBootstrap, OnModuleDestroy {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // Start-up fails at once when PostgreSQL does not answer, rather than retrying for half a minute.
          useFactory: () => ({
            ...dataSourceOptions(config.databaseUrl, config.databaseSessions),
            retryAttempts: 0,
          }),
          dataSourceFactory: () => openDatabase(config.databaseUrl, logger, config.databaseSessions),
        }),
      ],
      providers: [
        {
          provide: SAGA_STORE,
          useFactory: (dataSource: DataSource) => new PgSagaStore(dataSource),
          inject: [DataSource],
        },
        {
          provide: SagaReader,
          useFactory: (dataSource: DataSource) => new SagaReader(dataSource),
          inject: [DataSource],
        },
        {
          provide: HotTableVacuum,
          useFactory: (dataSource: DataSource, logger: Logger) => new HotTableVacuum(dataSource, logger),
          inject: [DataSource, LOGGER],
        },
      ],
      exports: [SAGA_STORE, SagaReader],
    };
  }

  constructor(@Inject(HotTableVacuum) private readonly vacuum: HotTableVacuum) {}

  onApplicationBootstrap(): void {
    this.vacuum.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.vacuum.stop();
  }
}
