import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BROKER = process.env.TEST_AMQP_BASE_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestVhost {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A RabbitMQ virtual host of its own for one test file: the wire protocol's fixed queue names
 * (sagas.replies, …) then never collide between test files running at once.
 */
export async function createVhost(prefix = 'test'): Promise<TestVhost> {
  const name = `${prefix}-${randomBytes(6).toString('hex')}`;
  await run('rabbitmqctl', ['add_vhost', name]);
  await run('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: `${BROKER}/${encodeURIComponent(name)}`,
    async drop() {
      await run('rabbitmqctl', ['delete_vhost', name]);
    },
  };
}
