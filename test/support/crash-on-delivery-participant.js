/* global process */
'use strict';

/**
 * A participant process that dies (SIGKILL, so nothing is settled) on every command it receives: what a
 * participant crashing on a poison command looks like to the broker. Built on the compiled SDK (`npm run build`).
 *
 * Environment: `AMQP_URL`, `PARTICIPANT`, `AMQP_QUEUE_TYPE` and `AMQP_DELIVERY_LIMIT` (passed on as the SDK's
 * `queueType` and `deliveryLimit`). Prints `ready` once consuming and `received <message id>` before it dies.
 */
async function main() {
  const sdk = await import('../../packages/sdk/dist/sdk/index.js');
  const { createParticipant } = sdk.default ?? sdk;
  const crash = (_payload, ctx) => {
    process.stdout.write(`received ${ctx.messageId}\n`, () => process.kill(process.pid, 'SIGKILL'));
    return new Promise(() => undefined);
  };
  const participant = createParticipant({
    url: process.env.AMQP_URL,
    participant: process.env.PARTICIPANT,
    queueType: process.env.AMQP_QUEUE_TYPE,
    deliveryLimit: Number(process.env.AMQP_DELIVERY_LIMIT),
    handlers: { RecordEntry: crash },
  });
  await participant.start();
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
