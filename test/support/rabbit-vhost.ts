import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const broker = process.env.TEST_AMQP_BASE_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestVhost {
  /** The broker URL (`TEST_AMQP_BASE_URL`, default `amqp://guest:guest@127.0.0.1:5672`) on this vhost. */
  url: string;
  name: string;
  /** Deletes the vhost and everything in it. */
  drop(): Promise<void>;
}

/**
 * A RabbitMQ virtual host of its own for one test file: the wire protocol's fixed names (sagas.replies, …) then
 * never collide between test files running at once. Needs `rabbitmqctl` on the PATH and a user `guest`.
 */
export async function createVhost(prefix = 'test'): Promise<TestVhost> {
  const name = `${prefix}-${randomBytes(6).toString('hex')}`;
  await run('rabbitmqctl', ['add_vhost', name]);
  await run('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  const url = new URL(broker);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await run('rabbitmqctl', ['delete_vhost', name]);
    },
  };
}

/**
 * Deletes a test's own vhost and creates it again, empty: every connection to it is closed by the broker, as when
 * a node goes away, without touching anyone else's connections.
 */
export async function recreateVhost(name: string): Promise<void> {
  await run('rabbitmqctl', ['delete_vhost', name]);
  await run('rabbitmqctl', ['add_vhost', name]);
  await run('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
}

/** Each queue of a vhost with its type (`classic`, `quorum`), as `rabbitmqctl list_queues` reports it. */
export async function queueTypes(vhost: string): Promise<Record<string, string>> {
  const { stdout } = await run('rabbitmqctl', ['list_queues', '-q', '-p', vhost, 'name', 'type']);
  const rows = stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((row): row is [string, string] => row.length === 2 && row[0] !== 'name');
  return Object.fromEntries(rows);
}
