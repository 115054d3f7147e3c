#!/usr/bin/env node
import 'reflect-metadata';
import { createApplication } from './app/application';
import { prepareEngineEnvironment } from './app/engine-environment';
import { reloadOnSighup } from './app/reload-on-sighup';
import { loadConfig } from './config/config';
import { createLogger } from './observability/logger';
import { StartupError } from './shared/startup-error';

async function main(): Promise<void> {
  // Every bad variable is reported before anything starts.
  const logger = createLogger(loadConfig(process.env).logLevel);
  const environment = await prepareEngineEnvironment(process.env, logger);
  const { config } = environment;
  let app;
  try {
    app = await createApplication(config, { logger, brokerTransport: environment.brokerTransport });
  } catch (error) {
    await environment.stop();
    throw error;
  }
  if (environment.embedded === null) {
    // SIGTERM and SIGINT run the shutdown hooks in the order the guarantees need, then exit 0.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  } else {
    // The same shutdown, then PGlite closes its data directory cleanly.
    const engine = app;
    const shutDown = () => {
      void engine
        .close()
        .then(() => environment.stop())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error('shutdown failed', { error: (error as Error).message });
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', shutDown);
    process.once('SIGINT', shutDown);
  }
  process.once('exit', (code) => logger.info('engine stopped', { code }));
  reloadOnSighup(app, logger);
  await app.listen(config.port);
  logger.info('listening', { port: config.port, mode: environment.decision.mode });
}

main().catch((error: unknown) => {
  const lines =
    error instanceof StartupError ? error.problems : [`failed to start: ${(error as Error).message}`];
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
});
