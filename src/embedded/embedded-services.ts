import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InProcessBroker } from 'saga-orchestrator-sdk/internal/messaging/in-process/in-process-broker';
import { lockDataDir } from './data-dir-lock';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database';

/** Default `SAGAS_DATA_DIR`: where embedded mode keeps its database, relative to the working directory. */
export const DEFAULT_DATA_DIR = './.sagas-data';

/** What embedded mode runs in the engine's process instead of PostgreSQL and RabbitMQ. */
export interface EmbeddedServices {
  dataDir: string;
  database: EmbeddedDatabase;
  broker: InProcessBroker;
  /** Stops the broker, then the database; after the engine closed. */
  stop(): Promise<void>;
}

export function dataDirOf(env: NodeJS.ProcessEnv): string {
  const configured = env.SAGAS_DATA_DIR;
  return configured === undefined || configured === '' ? DEFAULT_DATA_DIR : configured;
}

/** Starts PGlite in `dataDir` (which no other live process may have open) and the in-process broker. */
export async function startEmbeddedServices(dataDir: string): Promise<EmbeddedServices> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  let database: EmbeddedDatabase;
  try {
    database = await startEmbeddedDatabase(resolve(dataDir));
  } catch (error) {
    unlock();
    throw error;
  }
  const broker = new InProcessBroker();
  return {
    dataDir,
    database,
    broker,
    async stop() {
      await broker.stop();
      await database.stop();
      unlock();
    },
  };
}

/** The one line embedded mode logs at start: what it is, and what it does not promise. */
export function embeddedModeLine(dataDir: string): string {
  return (
    `embedded mode: PostgreSQL (PGlite) in ${dataDir}, in-process broker; one process only — participants in ` +
    'other processes cannot connect, and commands in flight are lost if the process dies (the saga log is kept)'
  );
}
