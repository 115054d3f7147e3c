import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Command, JsonObject, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaState } from '../../src/core/state';
import { loadDefinitionFiles } from '../../src/definitions/definition-files';
import { DefinitionRegistry } from '../../src/definitions/definition-registry';
import { syncDefinitions } from '../../src/definitions/definition-sync';
import type { SagaCache } from '../../src/orchestrator/saga-cache';
import { PgSagaStore } from '../../src/persistence/pg-saga-store';
import { runQuery } from '../../src/persistence/sql';
import { progressReply, successReply } from 'saga-orchestrator-sdk/internal/sdk/replies';
import { type MigratedDatabase, createMigratedDatabase } from '../support/database';
import { orderSagaYaml } from '../support/order-saga';
import { Orchestration } from '../support/orchestration';
import { RecordingPublisher } from '../support/recording-publisher';

/** Long attempt timeouts: no timer is due while a test looks at a saga (and none is fired here anyway). */
const orderSaga = orderSagaYaml({ stepTimeout: '60s' });
/** A second definition, stored in the database but left out of one instance's registry. */
const giftSaga = orderSagaYaml({ stepTimeout: '60s', name: 'gift-wrapping' });

interface Instance {
  orchestrator: Orchestration;
  publisher: RecordingPublisher;
  cache: SagaCache;
}

interface SagaInstanceRow {
  status: string;
  revision: number;
  last_seq: number;
  state: SagaState;
}

interface EventRow {
  seq: number;
  type: string;
  step: string | null;
}

interface OutboxView {
  message_id: string;
  routing_key: string;
  type: string;
}

function reserveOutput(command: Command): JsonObject {
  return { reservationId: `r-${command.payload.orderId as string}` };
}

function success(command: Command, output: JsonObject = {}): Reply {
  return successReply(command, output, { messageId: randomUUID(), now: new Date() });
}

describe('batched writes over real PostgreSQL', () => {
  let database: MigratedDatabase;
  let dataSource: DataSource;
  let registry: DefinitionRegistry;
  /** Knows order-fulfillment only: gift-wrapping sagas are in the database, their definition is not here. */
  let withoutGiftWrapping: DefinitionRegistry;

  beforeAll(async () => {
    database = await createMigratedDatabase(4);
    dataSource = database.dataSource;

    const dir = mkdtempSync(join(tmpdir(), 'batched-writes-'));
    try {
      writeFileSync(join(dir, 'order-fulfillment.yaml'), orderSaga);
      writeFileSync(join(dir, 'gift-wrapping.yaml'), giftSaga);
      const files = loadDefinitionFiles(dir);
      expect(files.problems).toEqual([]);
      registry = await syncDefinitions(dataSource, files.definitions);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    withoutGiftWrapping = new DefinitionRegistry();
    withoutGiftWrapping.add(registry.get('order-fulfillment', 1)!, true);
    expect(registry.get('gift-wrapping', 1)).toBeDefined();
  });

  afterAll(async () => {
    await database?.drop();
  });

  function instance(definitions: DefinitionRegistry = registry): Instance {
    const publisher = new RecordingPublisher();
    const orchestrator = new Orchestration({ store: new PgSagaStore(dataSource), definitions, publisher });
    return { orchestrator, publisher, cache: orchestrator.cache };
  }

  async function start(
    orchestrator: Orchestration,
    orderId: string,
    name = 'order-fulfillment',
  ): Promise<string> {
    const started = await orchestrator.start({ name, input: { orderId, amount: 10 } });
    expect(started).toMatchObject({ status: 'RUNNING', created: true });
    return started.id;
  }

  async function sagaRow(id: string): Promise<SagaInstanceRow> {
    const { rows } = await runQuery<SagaInstanceRow>(dataSource, {
      text: 'SELECT status, revision, last_seq, state FROM saga_instances WHERE id = $1',
      values: [id],
    });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  async function events(id: string): Promise<EventRow[]> {
    const { rows } = await runQuery<EventRow>(dataSource, {
      text: 'SELECT seq, type, step FROM saga_events WHERE saga_id = $1 ORDER BY seq',
      values: [id],
    });
    return rows;
  }

  /** The saga's log is numbered 1…last_seq with no gap and no extra row; returns its entry types. */
  async function contiguousLog(id: string): Promise<string[]> {
    const [row, log] = await Promise.all([sagaRow(id), events(id)]);
    expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: row.last_seq }, (_, n) => n + 1));
    return log.map((entry) => entry.type);
  }

  async function outbox(id: string): Promise<OutboxView[]> {
    const { rows } = await runQuery<OutboxView>(dataSource, {
      text: `SELECT message_id, routing_key, body->>'type' AS type FROM outbox WHERE saga_id = $1 ORDER BY id`,
      values: [id],
    });
    return rows;
  }

  async function processed(messageIds: string[]): Promise<Array<{ message_id: string; saga_id: string }>> {
    const { rows } = await runQuery<{ message_id: string; saga_id: string }>(dataSource, {
      text: `SELECT message_id, saga_id FROM processed_replies WHERE message_id = ANY($1::text[])
             ORDER BY message_id`,
      values: [messageIds],
    });
    return rows;
  }

  async function timerKeys(id: string): Promise<string[]> {
    const { rows } = await runQuery<{ key: string }>(dataSource, {
      text: 'SELECT key FROM saga_timers WHERE saga_id = $1 ORDER BY key',
      values: [id],
    });
    return rows.map((row) => row.key);
  }

  const afterReserve = ['SagaStarted', 'CommandSent', 'StepSucceeded', 'CommandSent'];

  it('applies replies to several sagas in one call: each saga advances and queues its next command', async () => {
    const { orchestrator, publisher } = instance();
    const ids = [
      await start(orchestrator, 'a-1'),
      await start(orchestrator, 'a-2'),
      await start(orchestrator, 'a-3'),
    ];
    const reserves = ids.map((id) => publisher.lastCommandFor(id));
    expect(reserves.map((command) => command.type)).toEqual(Array(3).fill('ReserveInventory'));
    const replies = reserves.map((command) => success(command, reserveOutput(command)));
    const publishedBefore = publisher.published.length;

    const results = await orchestrator.handleReplies(replies);

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'applied' }, { handling: 'applied' }]);
    const queued = publisher.published.slice(publishedBefore);
    expect(queued.map((row) => [row.sagaId, row.routingKey, row.body.type])).toEqual(
      ids.map((id) => [id, 'payments', 'ChargePayment']),
    );
    for (const [n, id] of ids.entries()) {
      const row = await sagaRow(id);
      expect(row).toMatchObject({ status: 'RUNNING', revision: 2, last_seq: 4 });
      expect(row.state.steps.map((step) => step.status)).toEqual(['SUCCEEDED', 'RUNNING', 'PENDING']);
      expect(await contiguousLog(id)).toEqual(afterReserve);
      const rows = await outbox(id);
      expect(rows.map((r) => [r.routing_key, r.type])).toEqual([
        ['inventory', 'ReserveInventory'],
        ['payments', 'ChargePayment'],
      ]);
      const charge = publisher.lastCommandFor(id);
      expect(rows[1]!.message_id).toBe(charge.message_id);
      expect(charge.payload).toEqual({ orderId: `a-${n + 1}`, amount: 10, reservationId: `r-a-${n + 1}` });
      expect(await timerKeys(id)).toEqual(['charge-payment:action:timeout:1']);
    }
    expect(await processed(replies.map((reply) => reply.message_id))).toEqual(
      replies
        .map((reply) => ({ message_id: reply.message_id, saga_id: reply.saga_id }))
        .sort((x, y) => (x.message_id < y.message_id ? -1 : 1)),
    );
  });

  it('applies several replies to one saga in order, with a single write', async () => {
    const { orchestrator, publisher } = instance();
    const id = await start(orchestrator, 'fold-1');
    const reserve = publisher.lastCommandFor(id);
    const progress = progressReply(reserve, { messageId: randomUUID(), now: new Date() });
    const done = success(reserve, reserveOutput(reserve));

    const results = await orchestrator.handleReplies([progress, done]);

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'applied' }]);
    // One write for both: the revision moved once.
    expect(await sagaRow(id)).toMatchObject({ status: 'RUNNING', revision: 2, last_seq: 5 });
    expect(await contiguousLog(id)).toEqual([
      'SagaStarted',
      'CommandSent',
      'AttemptExtended',
      'StepSucceeded',
      'CommandSent',
    ]);
    // The reserve timeout was rescheduled and then cancelled in the same statement: it is gone.
    expect(await timerKeys(id)).toEqual(['charge-payment:action:timeout:1']);
    expect((await processed([progress.message_id, done.message_id])).length).toBe(2);
    expect((await outbox(id)).map((row) => row.type)).toEqual(['ReserveInventory', 'ChargePayment']);
  });

  it('applies a reply delivered twice in one batch once, and reports the copy as a duplicate', async () => {
    const { orchestrator, publisher } = instance();
    const id = await start(orchestrator, 'b-1');
    const reserve = publisher.lastCommandFor(id);
    const reply = success(reserve, reserveOutput(reserve));
    const publishedBefore = publisher.published.length;

    const results = await orchestrator.handleReplies([reply, { ...reply }]);

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'duplicate' }]);
    expect(await sagaRow(id)).toMatchObject({ revision: 2, last_seq: 4 });
    expect(await contiguousLog(id)).toEqual(afterReserve);
    expect(await processed([reply.message_id])).toEqual([{ message_id: reply.message_id, saga_id: id }]);
    expect((await outbox(id)).map((row) => row.type)).toEqual(['ReserveInventory', 'ChargePayment']);
    expect(publisher.published.slice(publishedBefore).map((row) => row.body.type)).toEqual(['ChargePayment']);
  });

  it('ignores, but records, a second answer to a command answered earlier in the same batch', async () => {
    const { orchestrator, publisher } = instance();
    const id = await start(orchestrator, 'b-2');
    const reserve = publisher.lastCommandFor(id);
    const first = success(reserve, reserveOutput(reserve));
    const second = success(reserve, { reservationId: 'other' });

    const results = await orchestrator.handleReplies([first, second]);

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'ignored' }]);
    expect(await sagaRow(id)).toMatchObject({ revision: 2, last_seq: 5 });
    expect(await contiguousLog(id)).toEqual([...afterReserve, 'ReplyIgnored']);
    expect((await sagaRow(id)).state.steps[0]!.output).toEqual({ reservationId: 'r-b-2' });
    expect((await processed([first.message_id, second.message_id])).length).toBe(2);
  });

  it('recognises a reply redelivered in a later batch although its saga is cached, and writes nothing', async () => {
    const { orchestrator, publisher, cache } = instance();
    const id = await start(orchestrator, 'c-1');
    const reserve = publisher.lastCommandFor(id);
    const reply = success(reserve, reserveOutput(reserve));
    expect(await orchestrator.handleReplies([reply])).toEqual([{ handling: 'applied' }]);
    expect(cache.get(id)).toMatchObject({ id, revision: 2, lastSeq: 4 });
    const rowBefore = await sagaRow(id);
    const publishedBefore = publisher.published.length;

    const results = await orchestrator.handleReplies([{ ...reply }]);

    expect(results).toEqual([{ handling: 'duplicate' }]);
    expect(await sagaRow(id)).toEqual(rowBefore);
    expect(await contiguousLog(id)).toEqual(afterReserve);
    expect(await processed([reply.message_id])).toHaveLength(1);
    expect(await outbox(id)).toHaveLength(2);
    expect(publisher.published).toHaveLength(publishedBefore);
  });

  it('applies the next reply to a cached saga when the same batch carries a redelivered one', async () => {
    const { orchestrator, publisher, cache } = instance();
    const id = await start(orchestrator, 'c-2');
    const reserve = publisher.lastCommandFor(id);
    const reply = success(reserve, reserveOutput(reserve));
    expect(await orchestrator.handleReplies([reply])).toEqual([{ handling: 'applied' }]);
    expect(cache.get(id)?.revision).toBe(2);
    const charge = publisher.lastCommandFor(id);
    const charged = success(charge, { paymentId: 'p-c-2' });

    const results = await orchestrator.handleReplies([{ ...reply }, charged]);

    expect(results).toEqual([{ handling: 'duplicate' }, { handling: 'applied' }]);
    expect(await sagaRow(id)).toMatchObject({ status: 'RUNNING', revision: 3, last_seq: 6 });
    expect(await contiguousLog(id)).toEqual([...afterReserve, 'StepSucceeded', 'CommandSent']);
    expect((await outbox(id)).map((row) => row.type)).toEqual([
      'ReserveInventory',
      'ChargePayment',
      'ScheduleShipment',
    ]);
    expect(await processed([reply.message_id])).toHaveLength(1);
    expect(cache.get(id)).toMatchObject({ revision: 3, lastSeq: 6 });
  });

  it('detects a saga another instance moved on, reads it again and applies the reply on the fresh state', async () => {
    const a = instance();
    const b = instance();
    const id = await start(a.orchestrator, 'd-1');
    expect(a.cache.get(id)?.revision).toBe(1);
    const reserve = a.publisher.lastCommandFor(id);

    expect(await b.orchestrator.handleReplies([success(reserve, reserveOutput(reserve))])).toEqual([
      { handling: 'applied' },
    ]);
    const charge = b.publisher.lastCommandFor(id);
    expect(charge.type).toBe('ChargePayment');
    // A still believes the saga is where it left it.
    expect(a.cache.get(id)).toMatchObject({ revision: 1, lastSeq: 2 });

    const results = await a.orchestrator.handleReplies([success(charge, { paymentId: 'p-d-1' })]);

    expect(results).toEqual([{ handling: 'applied' }]);
    const row = await sagaRow(id);
    expect(row).toMatchObject({ status: 'RUNNING', revision: 3, last_seq: 6 });
    expect(row.state.steps.map((step) => step.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'RUNNING']);
    // Decided on the state B wrote: no ReplyIgnored from A's stale copy, the log runs on without a gap.
    expect(await contiguousLog(id)).toEqual([...afterReserve, 'StepSucceeded', 'CommandSent']);
    expect((await outbox(id)).map((r) => [r.routing_key, r.type])).toEqual([
      ['inventory', 'ReserveInventory'],
      ['payments', 'ChargePayment'],
      ['shipping', 'ScheduleShipment'],
    ]);
    const shipment = a.publisher.lastCommandFor(id);
    expect(shipment.type).toBe('ScheduleShipment');
    expect(shipment.payload).toEqual({ orderId: 'd-1', label: 'order d-1 paid with p-d-1' });
    expect(a.cache.get(id)).toMatchObject({ revision: 3, lastSeq: 6 });
    expect(await timerKeys(id)).toEqual(['schedule-shipment:action:timeout:1']);
  });

  it('applies a reply delivered to two instances at once exactly once', async () => {
    const a = instance();
    const b = instance();
    const id = await start(a.orchestrator, 'd-2');
    const reserve = a.publisher.lastCommandFor(id);
    const reply = success(reserve, reserveOutput(reserve));

    const [fromA, fromB] = await Promise.all([
      a.orchestrator.handleReplies([reply]),
      b.orchestrator.handleReplies([{ ...reply }]),
    ]);

    expect([fromA[0]!.handling, fromB[0]!.handling].sort()).toEqual(['applied', 'duplicate']);
    expect(await sagaRow(id)).toMatchObject({ revision: 2, last_seq: 4 });
    expect(await contiguousLog(id)).toEqual(afterReserve);
    expect(await processed([reply.message_id])).toHaveLength(1);
    expect((await outbox(id)).map((row) => row.type)).toEqual(['ReserveInventory', 'ChargePayment']);
    // The start's command went out from A; the charge only from the instance whose write took effect.
    const winner = fromA[0]!.handling === 'applied' ? a : b;
    const loser = winner === a ? b : a;
    expect(winner.publisher.lastCommandFor(id).type).toBe('ChargePayment');
    expect(loser.publisher.commandsFor(id).filter((command) => command.type === 'ChargePayment')).toEqual([]);
  });

  it('reports unknown sagas and a saga of an unknown definition, and still applies the rest of the batch', async () => {
    const full = instance();
    const partial = instance(withoutGiftWrapping);
    const orderId = await start(full.orchestrator, 'e-1');
    const giftId = await start(full.orchestrator, 'e-2', 'gift-wrapping');
    const orderReserve = full.publisher.lastCommandFor(orderId);
    const giftReserve = full.publisher.lastCommandFor(giftId);
    const ghost = randomUUID();
    const batch: Reply[] = [
      success(orderReserve, reserveOutput(orderReserve)),
      success(giftReserve, reserveOutput(giftReserve)),
      { ...success(orderReserve), saga_id: ghost },
      { ...success(orderReserve), saga_id: 'not-a-saga-id' },
    ];

    const results = await partial.orchestrator.handleReplies(batch);

    expect(results[0]).toEqual({ handling: 'applied' });
    expect(results[1]).toEqual({
      handling: 'failed',
      error: expect.objectContaining({ message: expect.stringContaining('gift-wrapping@1') }),
      refusedValue: false,
    });
    expect(results[2]).toEqual({ handling: 'unknown-saga' });
    expect(results[3]).toEqual({ handling: 'unknown-saga' });

    expect(await sagaRow(orderId)).toMatchObject({ status: 'RUNNING', revision: 2, last_seq: 4 });
    expect(await contiguousLog(orderId)).toEqual(afterReserve);
    expect(await sagaRow(giftId)).toMatchObject({ status: 'RUNNING', revision: 1, last_seq: 2 });
    expect(await contiguousLog(giftId)).toEqual(['SagaStarted', 'CommandSent']);
    expect(await processed(batch.map((reply) => reply.message_id))).toEqual([
      { message_id: batch[0]!.message_id, saga_id: orderId },
    ]);
    expect(partial.publisher.published.map((row) => [row.sagaId, row.body.type])).toEqual([
      [orderId, 'ChargePayment'],
    ]);
    expect(await outbox(ghost)).toEqual([]);

    // The failed reply is not lost: redelivered to an instance that knows the definition, it applies.
    expect(await full.orchestrator.handleReplies([batch[1]!])).toEqual([{ handling: 'applied' }]);
    expect(await sagaRow(giftId)).toMatchObject({ revision: 2, last_seq: 4 });
    expect(await contiguousLog(giftId)).toEqual(afterReserve);
  });

  it('fails the copy of a reply in the same batch when its first copy fails, so neither is acknowledged', async () => {
    const full = instance();
    const partial = instance(withoutGiftWrapping);
    const giftId = await start(full.orchestrator, 'f-1', 'gift-wrapping');
    const reserve = full.publisher.lastCommandFor(giftId);
    const reply = success(reserve, reserveOutput(reserve));

    const results = await partial.orchestrator.handleReplies([reply, reply]);

    expect(results.map((result) => result.handling)).toEqual(['failed', 'failed']);
    expect(await processed([reply.message_id])).toEqual([]);
  });

  it('writes the other sagas of a batch when PostgreSQL refuses one reply, and says why it refused', async () => {
    const { orchestrator, publisher } = instance();
    const goodId = await start(orchestrator, 'g-1');
    const badId = await start(orchestrator, 'g-2');
    const goodReserve = publisher.lastCommandFor(goodId);
    const badReserve = publisher.lastCommandFor(badId);
    // Valid JSON, but jsonb cannot hold a NUL character.
    const batch = [
      success(goodReserve, reserveOutput(goodReserve)),
      success(badReserve, { reservationId: 'r\u0000' }),
    ];

    const results = await orchestrator.handleReplies(batch);

    expect(results[0]).toEqual({ handling: 'applied' });
    expect(results[1]).toEqual({
      handling: 'failed',
      error: expect.objectContaining({ code: '22P05' }),
      refusedValue: true,
    });
    expect(await sagaRow(goodId)).toMatchObject({ revision: 2, last_seq: 4 });
    expect(await sagaRow(badId)).toMatchObject({ revision: 1, last_seq: 2 });
    expect(await processed(batch.map((reply) => reply.message_id))).toEqual([
      { message_id: batch[0]!.message_id, saga_id: goodId },
    ]);
  });

  it('applies a reply whose saga id is written in upper case', async () => {
    const { orchestrator, publisher } = instance();
    const sagaId = await start(orchestrator, 'h-1');
    const reserve = publisher.lastCommandFor(sagaId);
    const reply = { ...success(reserve, reserveOutput(reserve)), saga_id: sagaId.toUpperCase() };

    expect(await orchestrator.handleReplies([reply])).toEqual([{ handling: 'applied' }]);
    expect(await sagaRow(sagaId)).toMatchObject({ revision: 2, last_seq: 4 });
  });

  describe('starts', () => {
    const input = (orderId: string) => ({ orderId, amount: 10 });

    it('writes the starts that arrive during a write together in the next statement, each with its log, timer and command', async () => {
      const { orchestrator, publisher } = instance();
      const orderIds = ['s-1', 's-2', 's-3', 's-4', 's-5', 's-6'];

      const started = await Promise.all(
        orderIds.map((orderId) => orchestrator.start({ name: 'order-fulfillment', input: input(orderId) })),
      );

      // The first start goes at once; the five arriving meanwhile share the next write.
      expect(publisher.writes.map((rows) => rows.length)).toEqual([1, 5]);
      expect(publisher.writes.flat()).toHaveLength(orderIds.length);
      for (const [n, saga] of started.entries()) {
        expect(saga).toMatchObject({ status: 'RUNNING', created: true });
        expect(await contiguousLog(saga.id)).toEqual(['SagaStarted', 'CommandSent']);
        expect(await sagaRow(saga.id)).toMatchObject({ revision: 1, last_seq: 2 });
        expect(await outbox(saga.id)).toEqual([
          expect.objectContaining({ routing_key: 'inventory', type: 'ReserveInventory' }),
        ]);
        expect(await timerKeys(saga.id)).toHaveLength(1);
        expect(publisher.lastCommandFor(saga.id).payload).toMatchObject({ orderId: orderIds[n] });
      }
    });

    it('creates one saga for concurrent starts sharing an Idempotency-Key, and answers every start with it', async () => {
      const { orchestrator } = instance();
      const request = {
        name: 'order-fulfillment',
        input: input('k-1'),
        idempotencyKey: `key-${randomUUID()}`,
      };

      const started = await Promise.all(Array.from({ length: 6 }, () => orchestrator.start(request)));

      expect(new Set(started.map((saga) => saga.id)).size).toBe(1);
      expect(started.filter((saga) => saga.created)).toHaveLength(1);
      const { rows } = await runQuery<{ count: string }>(dataSource, {
        text: 'SELECT count(*) FROM saga_instances WHERE idempotency_key = $1',
        values: [request.idempotencyKey],
      });
      expect(rows[0]!.count).toBe('1');
      expect(await contiguousLog(started[0]!.id)).toEqual(['SagaStarted', 'CommandSent']);
    });

    it('inserts one saga when starts with the same Idempotency-Key share one statement', async () => {
      const { orchestrator, publisher } = instance();
      const key = `key-${randomUUID()}`;
      const request = { name: 'order-fulfillment', input: input('k-2'), idempotencyKey: key };
      // Another start takes the write slot; the four with the key wait and go together.
      const other = orchestrator.start({ name: 'order-fulfillment', input: input('k-3') });

      const started = await Promise.all(Array.from({ length: 4 }, () => orchestrator.start(request)));
      await other;

      expect(publisher.writes.map((rows) => rows.length)).toEqual([1, 1]);
      expect(new Set(started.map((saga) => saga.id)).size).toBe(1);
      expect(started.map((saga) => saga.created)).toEqual([true, false, false, false]);
      expect(await contiguousLog(started[0]!.id)).toEqual(['SagaStarted', 'CommandSent']);
    });

    it('writes the other starts of a batch when PostgreSQL refuses one, and says why it refused', async () => {
      const { orchestrator } = instance();
      // PostgreSQL cannot store a NUL character; the API refuses one first, the orchestrator must not rely on that.
      const requests = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'].map((orderId, n) => ({
        name: 'order-fulfillment',
        input: input(orderId),
        correlationId: n === 3 ? 'bad\u0000' : `c-${orderId}`,
      }));

      const outcomes = await Promise.allSettled(requests.map((request) => orchestrator.start(request)));

      expect(outcomes[3]).toEqual({
        status: 'rejected',
        reason: expect.objectContaining({ code: expect.stringMatching(/^22/) }),
      });
      for (const [n, outcome] of outcomes.entries()) {
        if (n === 3) continue;
        expect(outcome).toEqual({ status: 'fulfilled', value: expect.objectContaining({ created: true }) });
        if (outcome.status === 'fulfilled') {
          expect(await contiguousLog(outcome.value.id)).toEqual(['SagaStarted', 'CommandSent']);
        }
      }
      const { rows } = await runQuery<{ count: string }>(dataSource, {
        text: `SELECT count(*) FROM saga_instances WHERE state->'input'->>'orderId' = ANY($1::text[])`,
        values: [requests.map((request) => request.input.orderId)],
      });
      expect(rows[0]!.count).toBe('4');
    });
  });
});
