import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { dirname } from 'node:path';
import type { AppConfig } from '../config/config';
import type { Runtime } from '../config/config.module';
import { DefinitionFilesError, loadDefinitionFiles } from '../definitions/definition-files';
import { randomIds, systemClock } from '../shared/clock';
import { amqplibTransport } from 'saga-orchestrator-sdk/internal/messaging/broker-transport';
import { accessLog } from '../api/access-log';
import { AppModule } from './app.module';
import { jsonBody } from './json-body';
import { NestLogger } from './nest-logger';
import { builtUiDirectory, uiPage } from './ui-page';

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

/**
 * The engine, started (database migrated, definitions stored, broker connected, consumers and timers running) and
 * its HTTP API ready but not yet listening. The definition files are read first: an invalid one stops start-up
 * before anything else is touched. `close()` shuts down in the order the guarantees need.
 */
export async function createApplication(
  config: AppConfig,
  runtime: Pick<Runtime, 'logger'> & Partial<Runtime>,
): Promise<INestApplication> {
  const { logger } = runtime;
  const files = loadDefinitionFiles(config.sagasDir);
  if (files.problems.length > 0) throw new DefinitionFilesError(files.problems);
  if (config.apiKeys === null) {
    logger.warn('API_KEYS is not set: the API is open to anyone who can reach it');
  }
  const newId = runtime.newId ?? randomIds;
  const app = await NestFactory.create(
    AppModule.register(
      config,
      {
        logger,
        clock: runtime.clock ?? systemClock,
        newId,
        brokerTransport: runtime.brokerTransport ?? amqplibTransport,
      },
      files.definitions,
    ),
    new ExpressAdapter(httpServer(config)),
    { bodyParser: false, logger: new NestLogger(logger), abortOnError: false },
  );
  try {
    // First, so every request is logged once, whatever answers it (a route, the body parser, the static files).
    app.use(accessLog(logger, newId));
    // Security headers; the API serves JSON only, so everything a browser could load is denied.
    app.use(
      helmet({
        contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      }),
    );
    // After the API's headers, so the page's own policy replaces theirs on /ui.
    app.use('/ui', uiPage(builtUiDirectory()));
    app.use(jsonBody(config.maxBodyBytes));
    // Swagger UI's static files (no data in them) live outside /api, like /health and /metrics.
    const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
    app.use('/assets/swagger-ui', express.static(swaggerUi, { index: false, fallthrough: false }));
    await app.init();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}
