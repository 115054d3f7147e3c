#!/usr/bin/env node
import 'reflect-metadata';
import { createApplication } from '../app/application';
import { prepareEngineEnvironment } from '../app/engine-environment';
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { StartupError } from '../shared/startup-error';
import { startExampleParticipants } from './participants';

/**
 * `npm run dev`: the engine in embedded mode (PGlite and the in-process broker, nothing to install) with the
 * example participants in the same process, listening on PORT (default 3000). Start sagas over the API and watch
 * them on the dashboard; Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const env = { ...process.env, SAGAS_MODE: 'embedded' };
  const logger = createLogger(loadConfig(env).logLevel);
  const environment = await prepareEngineEnvironment(env, logger);
  const { config } = environment;
  const app = await createApplication(config, { logger, brokerTransport: environment.brokerTransport });
  const participants = await startExampleParticipants(environment.participantBroker);
  await app.listen(config.port, '127.0.0.1');
  const shutDown = () => {
    void participants
      .stop()
      .then(() => app.close())
      .then(() => environment.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', shutDown);
  process.once('SIGINT', shutDown);
  process.stdout.write(
    `\nDashboard: http://127.0.0.1:${config.port}/ui   API docs: http://127.0.0.1:${config.port}/api/docs\n` +
      `Start a saga: curl -X POST http://127.0.0.1:${config.port}/api/sagas -H 'content-type: application/json' ` +
      `-d '{"name":"order-fulfillment","input":{"orderId":"o-1","amount":30}}'\n\n`,
  );
}

main().catch((error: unknown) => {
  const lines = error instanceof StartupError ? error.problems : [`dev failed: ${(error as Error).message}`];
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
});
