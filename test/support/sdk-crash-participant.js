/* global process */
'use strict';

/**
 * A participant process for the SDK crash tests, built on the compiled SDK (`npm run build` first). Its handler
 * `RecordEntry` inserts a row into `ledger_effects` inside `ctx.transaction` and returns the row's id and this
 * process's pid. With `PAUSE_AT=in-transaction` it stops before the commit; with `PAUSE_AT=after-commit` after
 * the commit but before the reply: the test kills it there.
 *
 * Environment: `AMQP_URL`, `DATABASE_URL`, `PAUSE_AT` (optional). Prints `ready` once consuming and
 * `paused <where>` when it stops; SIGTERM stops it gracefully.
 */
async function main() {
  const { Pool } = (await import('pg')).default;
  const { z } = await import('zod');
  const sdk = await import('saga-orchestrator-sdk');
  const { createParticipant, createPostgresIdempotencyStore, defineHandler } = sdk.default ?? sdk;

  const pauseAt = process.env.PAUSE_AT ?? '';
  const pause = (where) => {
    process.stdout.write(`paused ${where}\n`);
    return new Promise(() => undefined);
  };
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const store = createPostgresIdempotencyStore({ pool });
  await store.ensureSchema();

  const participant = createParticipant({
    url: process.env.AMQP_URL,
    participant: 'ledger',
    idempotency: store,
    handlers: {
      RecordEntry: defineHandler({
        payload: z.object({ orderId: z.string() }),
        handle: async ({ orderId }, ctx) => {
          const output = await ctx.transaction(async (client) => {
            const { rows } = await client.query(
              'INSERT INTO ledger_effects (idempotency_key, order_id, pid) VALUES ($1, $2, $3) RETURNING id',
              [ctx.idempotencyKey, orderId, process.pid],
            );
            if (pauseAt === 'in-transaction') await pause('in-transaction');
            return { entryId: rows[0].id, handledBy: process.pid };
          });
          if (pauseAt === 'after-commit') await pause('after-commit');
          return output;
        },
      }),
    },
  });
  process.once('SIGTERM', () => {
    participant
      .stop()
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
  await participant.start();
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
