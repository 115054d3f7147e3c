import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { z } from 'zod';
import { replySchema } from 'saga-orchestrator-sdk/contracts';
import {
  BusinessError,
  type Participant,
  type PostgresIdempotencyStore,
  RetryableError,
  createMemoryIdempotencyStore,
  createParticipant,
  createPostgresIdempotencyStore,
  defineHandler,
} from 'saga-orchestrator-sdk';
import { type EmptyDatabase, createEmptyDatabase } from '../support/database';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, gate, nextAttempt, recordingLogger, testCommand } from '../support/sdk-broker';

const logger = recordingLogger();

describe('participant SDK idempotency over a real RabbitMQ and PostgreSQL', () => {
  let vhost: TestVhost;
  let database: EmptyDatabase;
  let broker: SdkTestBroker;
  let store: PostgresIdempotencyStore;
  let ledger: Participant;
  const calls = new Map<string, number>();
  const holds = new Map<string, Promise<void>>();
  const count = (type: string) => calls.get(type) ?? 0;
  const called = (type: string) => calls.set(type, count(type) + 1);

  beforeAll(async () => {
    [vhost, database] = await Promise.all([createVhost('sdk-idempotency'), createEmptyDatabase()]);
    await database.pool.query(
      'CREATE TABLE ledger_effects (id serial PRIMARY KEY, idempotency_key text NOT NULL, message_id text NOT NULL)',
    );
    store = createPostgresIdempotencyStore({ pool: database.pool });
    await store.ensureSchema();
    broker = await SdkTestBroker.connect(vhost.url);
    ledger = createParticipant({
      url: vhost.url,
      participant: 'ledger',
      prefetch: 8,
      logger,
      idempotency: store,
      handlers: {
        RecordEntry: defineHandler({
          payload: z.object({ orderId: z.string(), refuse: z.boolean().default(false) }),
          handle: async ({ orderId, refuse }, ctx) => {
            called('RecordEntry');
            return ctx.transaction(async (client) => {
              const { rows } = await client.query<{ id: number }>(
                'INSERT INTO ledger_effects (idempotency_key, message_id) VALUES ($1, $2) RETURNING id',
                [ctx.idempotencyKey, ctx.messageId],
              );
              await holds.get(orderId);
              if (refuse) throw new BusinessError('ACCOUNT_CLOSED', `account of ${orderId} is closed`);
              return { entryId: rows[0]!.id, orderId };
            });
          },
        }),
        PlainEntry: async () => {
          called('PlainEntry');
          return { token: randomUUID() };
        },
        FlakyEntry: async (_payload, ctx) => {
          called('FlakyEntry');
          if (ctx.attempt === 1) throw new RetryableError('BANK_DOWN', 'bank API unavailable');
          return { settledOnAttempt: ctx.attempt };
        },
        RefuseEntry: async (_payload, ctx) => {
          called('RefuseEntry');
          if (ctx.attempt <= 2) throw new BusinessError('LIMIT_EXCEEDED', 'daily limit exceeded');
          return { acceptedOnAttempt: ctx.attempt };
        },
      },
    });
    await ledger.start();
  });

  afterAll(async () => {
    await ledger?.stop();
    await broker?.close();
    await Promise.all([vhost?.drop(), database?.drop()]);
  });

  async function effects(key: string): Promise<number> {
    const { rows } = await database.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ledger_effects WHERE idempotency_key = $1',
      [key],
    );
    return rows[0]!.n;
  }

  async function recorded(key: string) {
    const { rows } = await database.pool.query(
      'SELECT outcome, output, error, attempt, message_id FROM saga_participant_idempotency WHERE idempotency_key = $1',
      [key],
    );
    return rows[0] as Record<string, unknown> | undefined;
  }

  it('applies the side effect once when the same command is delivered twice at once, and replies the same output', async () => {
    const held = gate();
    holds.set('o-dup', held.opened);
    const command = testCommand('RecordEntry', { payload: { orderId: 'o-dup' } });
    await broker.send('ledger', command);
    await broker.send('ledger', command);
    // Both deliveries are in flight (prefetch 8): one holds the key's lock inside its transaction.
    await new Promise((resolve) => setTimeout(resolve, 300));
    held.open();

    const first = await broker.reply(command);
    const second = await broker.reply(command);
    expect(first.body).toMatchObject({ outcome: 'success', in_reply_to: command.message_id });
    expect(second.body.output).toEqual(first.body.output);
    expect(first.body.output).toEqual({ entryId: expect.any(Number), orderId: 'o-dup' });
    expect(second.body.message_id).not.toBe(first.body.message_id);
    expect(replySchema.safeParse(second.body).success).toBe(true);
    expect(second.message.properties.correlationId).toBe(command.message_id);
    expect(await effects(command.idempotency_key)).toBe(1);
    // The second delivery ran its handler too, waited for the key's lock and found the record under it.
    expect(count('RecordEntry')).toBe(2);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'transaction skipped: the outcome was already recorded',
        fields: expect.objectContaining({ messageId: command.message_id }),
      }),
    );
    expect(await recorded(command.idempotency_key)).toEqual({
      outcome: 'success',
      output: first.body.output,
      error: null,
      attempt: 1,
      message_id: command.message_id,
    });

    // A third delivery, after the fact, is answered from the record without running the handler.
    const before = count('RecordEntry');
    await broker.send('ledger', command);
    const third = await broker.reply(command);
    expect(third.body).toMatchObject({ outcome: 'success', output: first.body.output });
    expect(count('RecordEntry')).toBe(before);
    expect(await effects(command.idempotency_key)).toBe(1);
  });

  it('answers a later attempt of an applied step with the recorded output', async () => {
    const command = testCommand('RecordEntry', { payload: { orderId: 'o-later' } });
    await broker.send('ledger', command);
    const first = await broker.reply(command);
    const retry = await broker.send('ledger', nextAttempt(command));
    const second = await broker.reply(retry);
    expect(second.body).toMatchObject({ outcome: 'success', in_reply_to: retry.message_id });
    expect(second.body.output).toEqual(first.body.output);
    expect(await effects(command.idempotency_key)).toBe(1);
  });

  it('rolls back the side effect of a transaction that throws a BusinessError, and records the failure', async () => {
    const command = testCommand('RecordEntry', { payload: { orderId: 'o-closed', refuse: true } });
    await broker.send('ledger', command);
    const { body } = await broker.reply(command);
    expect(body).toMatchObject({
      outcome: 'failure',
      error: { code: 'ACCOUNT_CLOSED', message: 'account of o-closed is closed', retryable: false },
    });
    expect(await effects(command.idempotency_key)).toBe(0);
    expect(await recorded(command.idempotency_key)).toMatchObject({
      outcome: 'failure',
      error: { code: 'ACCOUNT_CLOSED', message: 'account of o-closed is closed', retryable: false },
    });
  });

  it('records the result of a handler without ctx.transaction after it returns', async () => {
    const command = testCommand('PlainEntry');
    await broker.send('ledger', command);
    const first = await broker.reply(command);
    await broker.send('ledger', command);
    const second = await broker.reply(command);
    expect(second.body.output).toEqual(first.body.output);
    expect(count('PlainEntry')).toBe(1);
  });

  it('does not record a retryable failure: the next attempt runs the handler', async () => {
    const command = testCommand('FlakyEntry');
    await broker.send('ledger', command);
    expect((await broker.reply(command)).body).toMatchObject({
      outcome: 'failure',
      error: { code: 'BANK_DOWN', retryable: true },
    });
    expect(await recorded(command.idempotency_key)).toBeUndefined();

    const retry = await broker.send('ledger', nextAttempt(command));
    expect((await broker.reply(retry)).body).toMatchObject({
      outcome: 'success',
      output: { settledOnAttempt: 2 },
    });
    expect(count('FlakyEntry')).toBe(2);
    expect(await recorded(command.idempotency_key)).toMatchObject({ outcome: 'success', attempt: 2 });
  });

  it('replays a recorded business failure to its own attempt; a later attempt (operator retry) runs again', async () => {
    const command = testCommand('RefuseEntry', { kind: 'compensation' });
    await broker.send('ledger', command);
    const failure = { code: 'LIMIT_EXCEEDED', message: 'daily limit exceeded', retryable: false };
    expect((await broker.reply(command)).body).toMatchObject({ outcome: 'failure', error: failure });

    await broker.send('ledger', command);
    expect((await broker.reply(command)).body).toMatchObject({ outcome: 'failure', error: failure });
    expect(count('RefuseEntry')).toBe(1);

    const second = await broker.send('ledger', nextAttempt(command));
    expect((await broker.reply(second)).body).toMatchObject({ outcome: 'failure', error: failure });
    const third = await broker.send('ledger', nextAttempt(second));
    expect((await broker.reply(third)).body).toMatchObject({
      outcome: 'success',
      output: { acceptedOnAttempt: 3 },
    });
    expect(count('RefuseEntry')).toBe(3);
    // A late redelivery of the second attempt is answered by the success now recorded.
    await broker.send('ledger', second);
    expect((await broker.reply(second)).body).toMatchObject({
      outcome: 'success',
      output: { acceptedOnAttempt: 3 },
    });
    expect(count('RefuseEntry')).toBe(3);
  });

  it('creates its table safely when several connections call ensureSchema at once', async () => {
    const pools = Array.from({ length: 4 }, () => new Pool({ connectionString: database.url, max: 1 }));
    try {
      const stores = pools.map((pool) =>
        createPostgresIdempotencyStore({ pool, table: 'public.race_idempotency' }),
      );
      await Promise.all(stores.map((each) => each.ensureSchema()));
      await Promise.all(stores.map((each) => each.ensureSchema()));
      const recordedFirst = await stores[0]!.record('k', {
        outcome: 'success',
        output: { a: 1 },
        attempt: 1,
        messageId: 'm-1',
      });
      const standing = await stores[1]!.record('k', {
        outcome: 'success',
        output: { a: 2 },
        attempt: 2,
        messageId: 'm-2',
      });
      expect(standing).toEqual(recordedFirst);
      expect(await stores[2]!.find('k')).toEqual({
        outcome: 'success',
        output: { a: 1 },
        attempt: 1,
        messageId: 'm-1',
      });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('rejects a table name it cannot quote safely', () => {
    expect(() => createPostgresIdempotencyStore({ pool: database.pool, table: 'x; DROP TABLE y' })).toThrow(
      /table: must match/,
    );
  });

  it('logged no errors', () => {
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe('participant SDK with the memory idempotency store', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  let participant: Participant;
  let runs = 0;
  const memoryLogger = recordingLogger();

  beforeAll(async () => {
    vhost = await createVhost('sdk-memory');
    broker = await SdkTestBroker.connect(vhost.url);
    participant = createParticipant({
      url: vhost.url,
      participant: 'tokens',
      logger: memoryLogger,
      idempotency: createMemoryIdempotencyStore(),
      handlers: {
        IssueToken: async () => {
          runs += 1;
          return { token: randomUUID() };
        },
        IssueInTransaction: async (_payload, ctx) => ctx.transaction(async () => ({ never: true })),
      },
    });
    await participant.start();
  });

  afterAll(async () => {
    await participant?.stop();
    await broker?.close();
    await vhost?.drop();
  });

  it('answers a repeated idempotency key with the first output', async () => {
    const command = testCommand('IssueToken');
    await broker.send('tokens', command);
    const first = await broker.reply(command);
    const again = await broker.send('tokens', nextAttempt(command));
    const second = await broker.reply(again);
    expect(first.body).toMatchObject({ outcome: 'success', output: { token: expect.any(String) } });
    expect(second.body).toMatchObject({ outcome: 'success', in_reply_to: again.message_id });
    expect(second.body.output).toEqual(first.body.output);
    expect(runs).toBe(1);

    const other = await broker.send('tokens', testCommand('IssueToken'));
    expect((await broker.reply(other)).body.output).not.toEqual(first.body.output);
    expect(runs).toBe(2);
  });

  it('fails ctx.transaction with a clear, retryable error', async () => {
    const command = await broker.send('tokens', testCommand('IssueInTransaction'));
    expect((await broker.reply(command)).body).toMatchObject({
      outcome: 'failure',
      error: {
        code: 'HANDLER_ERROR',
        message: expect.stringContaining('ctx.transaction needs an idempotency store with transactions'),
        retryable: true,
      },
    });
  });
});
