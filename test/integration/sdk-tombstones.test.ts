import { Pool } from 'pg';
import { z } from 'zod';
import type { Command } from 'saga-orchestrator-sdk/contracts';
import {
  FailureCode,
  type Participant,
  type PostgresIdempotencyStore,
  createParticipant,
  createPostgresIdempotencyStore,
  defineHandler,
  tombstoneAttempt,
} from 'saga-orchestrator-sdk';
import { type EmptyDatabase, createEmptyDatabase } from '../support/database';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import {
  SdkTestBroker,
  compensationOf,
  gate,
  nextAttempt,
  recordingLogger,
  testCommand,
} from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

const compensatedBeforeAction = {
  code: FailureCode.compensatedBeforeAction,
  message: 'step "reserve-inventory" was compensated before this action ran; the action will not run',
  retryable: false,
};

const reserveStock = z.object({ holdMs: z.number().int().min(0).default(0) });
const releaseStock = reserveStock.extend({ output: z.unknown() });

/**
 * Two instances of one participant service, `warehouse-a` and `warehouse-b`, each with a pool of its own on one
 * database, as two processes would run: nothing but PostgreSQL orders what they do.
 */
describe('participant SDK tombstones over a real RabbitMQ and PostgreSQL', () => {
  let vhost: TestVhost;
  let database: EmptyDatabase;
  let broker: SdkTestBroker;
  let store: PostgresIdempotencyStore;
  const pools: Pool[] = [];
  const participants: Participant[] = [];
  const logger = recordingLogger();
  /** What the handlers did, in order: `reserve entered`, `reserve applied`, `release done`, per saga. */
  const events: { sagaId: string; what: string }[] = [];
  const holds = new Map<string, Promise<void>>();

  beforeAll(async () => {
    [vhost, database] = await Promise.all([createVhost('sdk-tombstones'), createEmptyDatabase()]);
    await database.pool.query(
      `CREATE TABLE stock_reservations (
        saga_id text PRIMARY KEY, released boolean NOT NULL DEFAULT false)`,
    );
    broker = await SdkTestBroker.connect(vhost.url);
    for (const name of ['warehouse-a', 'warehouse-b']) {
      const pool = new Pool({ connectionString: database.url, max: 10 });
      pools.push(pool);
      const idempotency = createPostgresIdempotencyStore({ pool });
      await idempotency.ensureSchema();
      store ??= idempotency;
      const participant = createParticipant({
        url: vhost.url,
        participant: name,
        prefetch: 16,
        logger,
        idempotency,
        handlers: {
          ReserveStock: defineHandler({
            payload: reserveStock,
            handle: async ({ holdMs }, ctx) => {
              events.push({ sagaId: ctx.sagaId, what: 'reserve entered' });
              return ctx.transaction(async (client) => {
                events.push({ sagaId: ctx.sagaId, what: 'reserve applied' });
                await client.query('INSERT INTO stock_reservations (saga_id) VALUES ($1)', [ctx.sagaId]);
                if (holdMs > 0) await client.query('SELECT pg_sleep($1)', [holdMs / 1000]);
                await holds.get(ctx.sagaId);
                return { reserved: true };
              });
            },
          }),
          ReleaseStock: defineHandler({
            payload: releaseStock,
            handle: async (_payload, ctx) => {
              const released = await ctx.transaction(async (client) => {
                const { rowCount } = await client.query(
                  'UPDATE stock_reservations SET released = true WHERE saga_id = $1',
                  [ctx.sagaId],
                );
                return { released: rowCount === 1 };
              });
              events.push({ sagaId: ctx.sagaId, what: 'release done' });
              return released;
            },
          }),
        },
      });
      await participant.start();
      participants.push(participant);
    }
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await broker?.close();
    await Promise.all(pools.map((pool) => pool.end()));
    await Promise.all([vhost?.drop(), database?.drop()]);
  });

  const reservation = (sagaId: string) =>
    database.pool
      .query<{ released: boolean }>('SELECT released FROM stock_reservations WHERE saga_id = $1', [sagaId])
      .then(({ rows }) => rows[0]);

  const idempotencyRow = (key: string) =>
    database.pool
      .query(
        'SELECT outcome, error, attempt, message_id FROM saga_participant_idempotency WHERE idempotency_key = $1',
        [key],
      )
      .then(({ rows }) => rows[0] as Record<string, unknown> | undefined);

  const eventsOf = (sagaId: string) =>
    events.filter((event) => event.sagaId === sagaId).map(({ what }) => what);

  it('refuses an action that arrives after its compensation, without running its handler', async () => {
    const action = testCommand('ReserveStock');
    const compensation = compensationOf(action, 'ReleaseStock');
    await broker.send('warehouse-a', compensation);
    expect((await broker.reply(compensation)).body).toMatchObject({
      outcome: 'success',
      output: { released: false },
    });
    expect(await idempotencyRow(action.idempotency_key)).toEqual({
      outcome: 'failure',
      error: compensatedBeforeAction,
      attempt: tombstoneAttempt,
      message_id: compensation.message_id,
    });

    // The redelivery racing the timeout, then the retry the engine had scheduled, on either instance.
    const retry = nextAttempt(action);
    await broker.send('warehouse-b', action);
    await broker.send('warehouse-a', retry);
    for (const late of [action, retry]) {
      const { body } = await broker.reply(late);
      expect(body).toMatchObject({
        outcome: 'failure',
        in_reply_to: late.message_id,
        error: compensatedBeforeAction,
      });
    }
    expect(eventsOf(action.saga.id)).toEqual(['release done']);
    expect(await reservation(action.saga.id)).toBeUndefined();

    // Recording an outcome afterwards, as a handler without ctx.transaction would, leaves the tombstone standing.
    const standing = await store.record(action.idempotency_key, {
      outcome: 'success',
      output: { reserved: true },
      attempt: 3,
      messageId: 'late-success',
    });
    expect(standing).toMatchObject({ error: compensatedBeforeAction, messageId: compensation.message_id });
  });

  it('does not tombstone an action still running in another process: the compensation waits and undoes it', async () => {
    const action = testCommand('ReserveStock');
    const compensation = compensationOf(action, 'ReleaseStock');
    const held = gate();
    holds.set(action.saga.id, held.opened);
    await broker.send('warehouse-a', action);
    await waitFor('the action to apply its effect', () =>
      eventsOf(action.saga.id).includes('reserve applied') ? true : undefined,
    );
    await broker.send('warehouse-b', compensation);
    // The compensation waits for the action's transaction, which holds the key's lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventsOf(action.saga.id)).toEqual(['reserve entered', 'reserve applied']);
    held.open();

    expect((await broker.reply(action)).body).toMatchObject({
      outcome: 'success',
      output: { reserved: true },
    });
    expect((await broker.reply(compensation)).body).toMatchObject({
      outcome: 'success',
      output: { released: true },
    });
    expect(await idempotencyRow(action.idempotency_key)).toMatchObject({ outcome: 'success', attempt: 1 });
    expect(await reservation(action.saga.id)).toEqual({ released: true });
  });

  it('never runs an action after its compensation, with many pairs racing on two instances', async () => {
    const pairs = Array.from({ length: 60 }, (_unused, index) => {
      const action = testCommand('ReserveStock', { payload: { holdMs: index % 3 === 0 ? 20 : 0 } });
      return { action, compensation: compensationOf(action, 'ReleaseStock'), index };
    });
    const instance = (index: number) => (index % 2 === 0 ? 'warehouse-a' : 'warehouse-b');
    const sent: Promise<Command>[] = [];
    for (const { action, compensation, index } of pairs) {
      const [first, second] = index % 4 < 2 ? [action, compensation] : [compensation, action];
      sent.push(broker.send(instance(index), first), broker.send(instance(index + 1), second));
    }
    await Promise.all(sent);

    const ran = { compensatedAfterAction: 0, tombstoned: 0 };
    for (const { action, compensation } of pairs) {
      const sagaId = action.saga.id;
      const actionReply = (await broker.reply(action)).body;
      const compensationReply = (await broker.reply(compensation)).body;
      expect(compensationReply).toMatchObject({ outcome: 'success' });
      const seen = eventsOf(sagaId);
      if (actionReply.outcome === 'success') {
        // The action committed first; the compensation ran after it and undid it.
        expect(compensationReply.output).toEqual({ released: true });
        expect(seen).toEqual(['reserve entered', 'reserve applied', 'release done']);
        expect(await reservation(sagaId)).toEqual({ released: true });
        ran.compensatedAfterAction += 1;
      } else {
        expect(actionReply).toMatchObject({ outcome: 'failure', error: compensatedBeforeAction });
        expect(compensationReply.output).toEqual({ released: false });
        // The effect never ran, and the handler was not entered once the compensation was done.
        expect(seen).not.toContain('reserve applied');
        expect(seen.slice(seen.indexOf('release done') + 1)).toEqual([]);
        expect(await reservation(sagaId)).toBeUndefined();
        expect(await idempotencyRow(action.idempotency_key)).toMatchObject({ attempt: tombstoneAttempt });
        ran.tombstoned += 1;
      }
    }
    expect(ran.compensatedAfterAction + ran.tombstoned).toBe(pairs.length);
    expect(ran.tombstoned).toBeGreaterThan(0);
    expect(ran.compensatedAfterAction).toBeGreaterThan(0);
  });

  it('logged no errors', () => {
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
