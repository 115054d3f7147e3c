import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import type { AppConfig } from '../config/config';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { LOGGER } from '../shared/tokens';
import { ApiKeyGuard } from './auth/api-key.guard';
import { StartRateLimitGuard } from './auth/start-rate-limit.guard';
import { DeadLettersController } from './dead-letters.controller';
import { DefinitionsController } from './definitions.controller';
import { DocsController } from './docs.controller';
import { HealthController } from './health.controller';
import { HttpExceptionFilter } from './http-exception.filter';
import { MetricsController } from './metrics.controller';
import { SagasController } from './sagas.controller';
import { SagaMigrationController } from './saga-migration.controller';
import { SagaOperatorController } from './saga-operator.controller';
import { StatsController } from './stats.controller';
import { WhoamiController } from './whoami.controller';

/** The REST API: controllers, the key guard and start rate limit (in that order), and the one error filter. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      controllers: [
        SagasController,
        SagaMigrationController,
        SagaOperatorController,
        DefinitionsController,
        HealthController,
        MetricsController,
        StatsController,
        DeadLettersController,
        DocsController,
        WhoamiController,
      ],
      providers: [
        {
          provide: APP_GUARD,
          inject: [Reflector],
          useFactory: (reflector: Reflector) => new ApiKeyGuard(config.apiKeys, reflector),
        },
        {
          provide: APP_GUARD,
          inject: [Reflector],
          useFactory: (reflector: Reflector) => new StartRateLimitGuard(config.startRateLimit, reflector),
        },
        {
          provide: APP_FILTER,
          inject: [LOGGER],
          useFactory: (logger: Logger) => new HttpExceptionFilter(logger),
        },
      ],
    };
  }
}
