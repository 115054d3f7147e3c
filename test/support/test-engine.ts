import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createApplication } from '../../src/app/application';
import { type AppConfig, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { type Logger, silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { randomBytes } from 'node:crypto';
import { InProcessBroker } from 'saga-orchestrator-sdk';
import { startPgliteProcess } from './embedded/pglite-process';
import { newPgliteDataDir } from './embedded/pglite-template';
import { type TestDatabase, reserveTestDatabase } from './database';
import { embeddedTestMode, registerInProcessBroker } from './embedded/in-process-brokers';
import { createVhost } from './rabbit-vhost';
import type { BrokerTransport } from 'saga-orchestrator-sdk/internal/messaging/broker-transport';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
}

export interface TestEngine {
  app: INestApplication;
  config: AppConfig;
  baseUrl: string;
  amqpUrl: string;
  database: TestDatabase;
  sagasDir: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResult>;
  /** Stops the engine only; the database and vhost stay for a restart. */
  stopEngine(): Promise<void>;
  /** Starts a fresh engine on the same database, vhost and folder. */
  restartEngine(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestEngineOptions {
  sagas: Record<string, string>;
  env?: Record<string, string>;
  /** Default: silent, or info lines when DEBUG_ENGINE_LOGS is set. */
  logger?: Logger;
  /** The engine's AMQP_URL from its vhost's URL (several hosts, say); default that URL alone. */
  amqpUrl?: (vhostUrl: string) => string;
}

/** Where a test engine's database and broker are: its own in PostgreSQL and RabbitMQ, or embedded ones. */
interface TestInfrastructure {
  database: TestDatabase;
  /** What participants of the test pass as `url`. */
  amqpUrl: string;
  config: AppConfig;
  brokerTransport?: BrokerTransport;
  drop(): Promise<void>;
}

async function externalInfrastructure(
  options: TestEngineOptions,
  sagasDir: string,
): Promise<TestInfrastructure> {
  const database = reserveTestDatabase();
  const vhost = await createVhost();
  const config = loadConfig({
    DATABASE_URL: database.url,
    AMQP_URL: options.amqpUrl?.(vhost.url) ?? vhost.url,
    SAGAS_DIR: sagasDir,
    PORT: '0',
    ...options.env,
  });
  return {
    database,
    amqpUrl: vhost.url,
    config,
    async drop() {
      await vhost.drop();
      await database.drop();
    },
  };
}

/**
 * Embedded mode (the `integration-embedded` project): PGlite in a temporary folder (served from a child process:
 * jest's sandbox cannot load it) and an in-process broker,
 * registered under a URL of its own so that the test's participants reach it (test/support/embedded).
 */
async function embeddedInfrastructure(
  options: TestEngineOptions,
  sagasDir: string,
): Promise<TestInfrastructure> {
  const dataDir = newPgliteDataDir();
  const pglite = await startPgliteProcess(dataDir);
  const broker = new InProcessBroker();
  const services = { database: pglite, broker };
  const amqpUrl = `amqp://in-process-${randomBytes(6).toString('hex')}`;
  const unregister = registerInProcessBroker(amqpUrl, services.broker);
  const stop = async () => {
    unregister();
    await broker.stop();
    await pglite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig(
      { SAGAS_DIR: sagasDir, PORT: '0', ...options.env },
      { databaseUrl: services.database.url },
    );
    return {
      database: { name: 'postgres', url: services.database.url, drop: () => Promise.resolve() },
      amqpUrl,
      config,
      brokerTransport: services.broker.transport,
      drop: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A real engine (real PostgreSQL, real RabbitMQ) on its own database, vhost and definitions folder — or, in the
 * `integration-embedded` project, the same engine in embedded mode.
 */
export async function startTestEngine(options: TestEngineOptions): Promise<TestEngine> {
  const sagasDir = mkdtempSync(join(tmpdir(), 'sagas-'));
  for (const [file, content] of Object.entries(options.sagas)) {
    writeFileSync(join(sagasDir, file), content);
  }
  const infrastructure = embeddedTestMode()
    ? await embeddedInfrastructure(options, sagasDir)
    : await externalInfrastructure(options, sagasDir);
  const { config, database } = infrastructure;

  let app: INestApplication | null = null;
  let baseUrl = '';
  const boot = async (): Promise<void> => {
    app = await createApplication(config, {
      logger: options.logger ?? (process.env.DEBUG_ENGINE_LOGS ? createLogger('info') : silentLogger),
      ...(infrastructure.brokerTransport === undefined
        ? {}
        : { brokerTransport: infrastructure.brokerTransport }),
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;
  };
  try {
    await boot();
  } catch (error) {
    await infrastructure.drop();
    rmSync(sagasDir, { recursive: true, force: true });
    throw error;
  }

  const engine: TestEngine = {
    get app() {
      if (app === null) throw new Error('engine is stopped');
      return app;
    },
    config,
    get baseUrl() {
      return baseUrl;
    },
    amqpUrl: infrastructure.amqpUrl,
    database,
    sagasDir,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body:
          text === ''
            ? null
            : response.headers.get('content-type')?.includes('json')
              ? JSON.parse(text)
              : text,
      };
    },
    async stopEngine() {
      await app?.close();
      app = null;
    },
    async restartEngine() {
      await boot();
    },
    async stop() {
      await app?.close();
      app = null;
      await infrastructure.drop();
      rmSync(sagasDir, { recursive: true, force: true });
    },
  };
  return engine;
}
