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
