import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { LifecycleEvents } from '../core/definition/types';
import { benchGroupSagaYaml, benchSagaYaml, withEventsSelection } from './bench-saga';

const run = promisify(execFile);

export interface BenchEnvironment {
  databaseUrl: string;
  amqpUrl: string;
  sagasDir: string;
}

/**
 * A fresh database, a fresh RabbitMQ vhost and a definitions folder, all named `…bench`; the sagas publish the
 * lifecycle events `events` selects (the definitions' default when null).
 */
export async function prepareBenchEnvironment(events: LifecycleEvents | null): Promise<BenchEnvironment> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query('DROP DATABASE IF EXISTS sagas_bench WITH (FORCE)');
    await admin.query('CREATE DATABASE sagas_bench');
  } finally {
    await admin.end();
  }
  await run('rabbitmqctl', ['delete_vhost', 'bench']).catch(() => undefined);
  await run('rabbitmqctl', ['add_vhost', 'bench']);
  await run('rabbitmqctl', ['set_permissions', '-p', 'bench', 'guest', '.*', '.*', '.*']);
  const sagasDir = mkdtempSync(join(tmpdir(), 'bench-sagas-'));
  writeFileSync(join(sagasDir, 'order-fulfillment.yaml'), withEventsSelection(benchSagaYaml, events));
  writeFileSync(join(sagasDir, 'order-group.yaml'), withEventsSelection(benchGroupSagaYaml, events));
  return {
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/sagas_bench',
    amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/bench',
    sagasDir,
  };
}
