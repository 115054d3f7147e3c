import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { dirname } from 'node:path';
import type { AppConfig } from '../config/config';
import type { Logger } from '../shared/logger';
import { AppModule } from './app.module';
import { Engine, type EngineOptions } from './engine';
import { jsonBody } from './json-body';

export interface Application {
  engine: Engine;
  http: INestApplication;
  /** Graceful shutdown: HTTP first, then the engine. */
  close(): Promise<void>;
}

/**
 * Express with exact routing: `/API/sagas` and `/api/sagas/` are not `/api/sagas` (Express matches case-insensitively
 * and ignores a trailing slash by default). Settings must be made before Nest creates the router.
 */
function httpServer(config: AppConfig): express.Express {
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  server.set('trust proxy', config.trustProxy);
  server.disable('x-powered-by');
  return server;
}

/** Starts the engine and its HTTP API (not yet listening). */
export async function createApplication(config: AppConfig, options: EngineOptions): Promise<Application> {
  const logger: Logger = options.logger;
  if (config.apiKeys === null) {
    logger.warn('API_KEYS is not set: the API is open to anyone who can reach it');
  }
  const engine = await Engine.start(config, options);
  try {
    const http = await NestFactory.create(
      AppModule.register(engine, config, logger),
      new ExpressAdapter(httpServer(config)),
      { bodyParser: false, logger: false },
    );
    // Security headers; the API serves JSON only, so everything a browser could load is denied.
    http.use(
      helmet({
        contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      }),
    );
    http.use(jsonBody(config.maxBodyBytes));
    // Swagger UI's static files (no data in them) live outside /api, like /health and /metrics.
    const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
    http.use('/assets/swagger-ui', express.static(swaggerUi, { index: false, fallthrough: false }));
    await http.init();
    return {
      engine,
      http,
      async close() {
        await http.close();
        await engine.stop();
      },
    };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
