import 'reflect-metadata';
import { createApplication } from './app/application';
import { DefinitionFilesError } from './app/engine';
import { ConfigError, loadConfig } from './config/config';
import { DefinitionConflictError } from './definitions/definition-sync';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createApplication(config, { logger });
  await app.http.listen(config.port);
  logger.info('listening', { port: config.port });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof DefinitionFilesError ||
    error instanceof DefinitionConflictError
  ) {
    process.stderr.write(`${error.problems.join('\n')}\n`);
  } else {
    process.stderr.write(`failed to start: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
