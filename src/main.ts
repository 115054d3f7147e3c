#!/usr/bin/env node
import 'reflect-metadata';
import { createApplication } from './app/application';
import { reloadOnSighup } from './app/reload-on-sighup';
import { loadConfig } from './config/config';
import { createLogger } from './observability/logger';
import { StartupError } from './shared/startup-error';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createApplication(config, { logger });
  // SIGTERM and SIGINT run the shutdown hooks in the order the guarantees need, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  process.once('exit', (code) => logger.info('engine stopped', { code }));
  reloadOnSighup(app, logger);
  await app.listen(config.port);
  logger.info('listening', { port: config.port });
}

main().catch((error: unknown) => {
  const lines =
    error instanceof StartupError ? error.problems : [`failed to start: ${(error as Error).message}`];
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
});
