import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import { ApiKeyGuard } from '../api/auth/api-key.guard';
import { StartRateLimitGuard } from '../api/auth/start-rate-limit.guard';
import { DeadLettersController } from '../api/dead-letters.controller';
import { DefinitionsController } from '../api/definitions.controller';
import { DocsController } from '../api/docs.controller';
import { HealthController } from '../api/health.controller';
import { HttpExceptionFilter } from '../api/http-exception.filter';
import { MetricsController } from '../api/metrics.controller';
import { SagasController } from '../api/sagas.controller';
import { StatsController } from '../api/stats.controller';
import { ENGINE } from '../api/tokens';
import type { AppConfig } from '../config/config';
import type { Logger } from '../shared/logger';
import type { Engine } from './engine';

@Module({})
export class AppModule {
  /** The engine is built and started before Nest; the module only exposes it over HTTP. */
  static register(engine: Engine, config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        SagasController,
        DefinitionsController,
        HealthController,
        MetricsController,
        StatsController,
        DeadLettersController,
        DocsController,
      ],
      providers: [
        { provide: ENGINE, useValue: engine },
        // Guards run in this order: the key first, so the rate limit counts authenticated callers only.
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) => new ApiKeyGuard(config.apiKeys, reflector),
          inject: [Reflector],
        },
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) => new StartRateLimitGuard(config.startRateLimit, reflector),
          inject: [Reflector],
        },
        { provide: APP_FILTER, useValue: new HttpExceptionFilter(logger) },
      ],
    };
  }
}
