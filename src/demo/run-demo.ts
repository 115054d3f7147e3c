import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApplication } from '../app/application';
import { type EngineEnvironment, prepareEngineEnvironment } from '../app/engine-environment';
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { DemoApi } from './demo-api';
import { runOrderDemo } from './order-demo';
import { type ExampleParticipants, startExampleParticipants } from './participants';
import { runTripDemo } from './trip-demo';

const startupWaitMs = 20000;

/**
 * `npm run demo`: the engine in-process, the example participants, three `order-fulfillment` and three
 * `trip-booking` sagas over HTTP, and what became of each. Exits 1 when a saga ends otherwise than expected. The
 * engine runs in the mode the environment resolves to (embedded when no URL is set and nothing answers on the
 * default ports): the participants are in this process either way.
 */
async function main(): Promise<number> {
  // Embedded, the demo keeps its sagas in a folder of its own, removed afterwards: never a running engine's.
  const dataDir = process.env.SAGAS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'sagas-demo-'));
  try {
    return await runDemo({ ...process.env, PORT: process.env.PORT ?? '0', SAGAS_DATA_DIR: dataDir });
  } finally {
    if (process.env.SAGAS_DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runDemo(env: NodeJS.ProcessEnv): Promise<number> {
  let environment: EngineEnvironment;
  let app: INestApplication;
  try {
    environment = await prepareEngineEnvironment(env, createLogger(loadConfig(env).logLevel));
  } catch (error) {
    console.error(`demo: the engine cannot start: ${describe(error)}`);
    return 1;
  }
  try {
    app = await startEngine(environment);
  } catch (error) {
    console.error(`demo: the engine cannot start: ${describe(error)}`);
    await environment.stop();
    return 1;
  }
  let participants: ExampleParticipants | null = null;
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const api = new DemoApi(`http://127.0.0.1:${port}`);
    console.log(
      `Engine listening on port ${port} (${environment.decision.mode} mode); starting the participants\n`,
    );
    participants = await startExampleParticipants(environment.participantBroker);

    const results = [await runOrderDemo(api), await runTripDemo(api)];
    const problems = results.flatMap((result) => result.problems);
    if (problems.length > 0) {
      for (const problem of problems) console.log(`UNEXPECTED: ${problem}`);
      return 1;
    }
    console.log('All sagas ended as expected:');
    for (const result of results) console.log(`  ${result.summary}`);
    return 0;
  } finally {
    await participants?.stop();
    await app.close();
    await environment.stop();
  }
}

/** The engine retries an unreachable broker forever: the demo gives up after a while instead. */
async function startEngine(environment: EngineEnvironment): Promise<INestApplication> {
  const { config } = environment;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no connection within ${startupWaitMs / 1000} s ` +
              `(is RabbitMQ running at ${config.amqpUrl.split(',').map(redact).join(',')} and PostgreSQL at ${redact(config.databaseUrl)}?)`,
          ),
        ),
      startupWaitMs,
    );
  });
  try {
    const app = await Promise.race([
      createApplication(config, { logger: silentLogger, brokerTransport: environment.brokerTransport }),
      timeout,
    ]);
    await app.listen(config.port);
    return app;
  } finally {
    clearTimeout(timer);
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** One line, whatever was thrown (a refused connection can be an AggregateError with an empty message). */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return describe(error.errors[0]);
  if (error instanceof Error) return error.message.split('\n').join('; ');
  return String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${describe(error)}`);
    process.exit(1);
  },
);
