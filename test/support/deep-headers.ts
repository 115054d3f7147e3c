import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Topology } from 'saga-orchestrator-sdk/contracts';

const SCRIPT = join(__dirname, 'deep-header-publisher.js');

/**
 * Publishes a command to `participant` whose header table is nested `depth` levels deep, from a child process:
 * amqplib cannot encode such a table with the default stack, so the child gets a larger one.
 */
export async function publishDeepHeaders(
  url: string,
  participant: string,
  messageId: string,
  depth: number,
): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--stack-size=60000', SCRIPT], {
    env: {
      ...process.env,
      AMQP_URL: url,
      EXCHANGE: Topology.commandsExchange,
      ROUTING_KEY: participant,
      MESSAGE_ID: messageId,
      DEPTH: String(depth),
    },
  });
  if (!stdout.includes('published')) throw new Error(`the deep header table was not published: ${stdout}`);
}
