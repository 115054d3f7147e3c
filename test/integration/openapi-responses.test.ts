import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChannelModel, connect } from 'amqplib';
import { Client } from 'pg';
import { type Command, Topology, replyAnswering } from 'saga-orchestrator-sdk/contracts';
import { type OpenApiDocument, OpenApiConformance } from '../support/openapi-conformance';
import { orderSagaYaml } from '../support/order-saga';
import { registeredRoutes } from '../support/registered-routes';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type HttpResult, type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const ADMIN = { authorization: 'Bearer admin-key' };
const READER = { authorization: 'Bearer reader-key' };
const NAME = 'order-fulfillment';

/** The document and its UI describe the API; they are not operations of it. */
const UNDOCUMENTED_ROUTES = new Set(['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs/init.js']);

/**
 * How the participants answer, by the first word of the order id: `hold` never gets an answer to its charge,
 * `aside` neither (the charge is kept to be answered later), `stuck` fails its shipment and then its refund.
 */
function script(held: Command[]) {
  return (command: Command): ScriptedAnswer => {
    const scenario = String(command.payload.orderId).split('-')[0];
    if (command.type === 'ChargePayment' && scenario === 'hold') return { outcome: 'no-reply' };
    if (command.type === 'ChargePayment' && scenario === 'aside') {
      held.push(command);
      return { outcome: 'no-reply' };
    }
    if (scenario === 'stuck' && command.type === 'ScheduleShipment') {
      return { outcome: 'failure', code: 'NO_CARRIER', retryable: false };
    }
    if (scenario === 'stuck' && command.type === 'RefundPayment') {
      return { outcome: 'failure', code: 'LEDGER_CLOSED', retryable: false };
    }
    return { outcome: 'success', output: { reservationId: 'r-1', paymentId: 'p-1', trackingId: 't-1' } };
  };
}

describe('every response of every route is what the OpenAPI document says', () => {
  let engine: TestEngine;
  let conformance: OpenApiConformance;
  let participants: ScriptedParticipant[] = [];
  let broker: ChannelModel;
  let sql: Client;
  const held: Command[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order.yaml': orderSagaYaml({ stepTimeout: '60s' }) },
      env: { API_KEYS: 'reader-key:read,admin-key:admin', MAX_BODY_BYTES: '65536' },
    });
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) => new ScriptedParticipant(engine.amqpUrl, name, script(held)),
    );
    await Promise.all(participants.map((participant) => participant.start()));
    broker = await connect(engine.amqpUrl);
    sql = new Client({ connectionString: engine.database.url });
    await sql.connect();
    const { body } = await engine.request('GET', '/api/openapi.json', undefined, READER);
    conformance = new OpenApiConformance(body as OpenApiDocument);
  });

  afterAll(async () => {
    await sql?.end();
    await broker?.close();
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
  });

  /** Sends a request, checks its response against the document, and expects `status`. */
  async function expectAnswer(
    status: number,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = ADMIN,
  ): Promise<HttpResult['body']> {
    const response = await engine.request(method, path, body, headers);
    expect(conformance.check(method, path, response)).toEqual([]);
    expect(`${method} ${path} → ${response.status}`).toBe(`${method} ${path} → ${status}`);
    return response.body;
  }

  async function start(orderId: string): Promise<string> {
    const body = await expectAnswer(201, 'POST', '/api/sagas', { name: NAME, input: { orderId, amount: 5 } });
    return body.id as string;
  }
  function reaches(id: string, status: string) {
    return waitFor(`saga ${id} to be ${status}`, async () => {
      const { body } = await engine.request('GET', `/api/sagas/${id}`, undefined, READER);
      return body.status === status ? body : undefined;
    });
  }
  const chargeSent = (id: string) =>
    waitFor(`the charge of ${id}`, () =>
      participants[1]!.commands({ sagaId: id, type: 'ChargePayment' }).at(0),
    );
  const reason = 'checked by hand';

  it('starts sagas, and refuses starts the way the document says', async () => {
    const order = { name: NAME, input: { orderId: 'ok-1', amount: 5 } };
    const key = { ...ADMIN, 'idempotency-key': 'start-1' };
    const started = await expectAnswer(201, 'POST', '/api/sagas', order, key);
    expect(await expectAnswer(200, 'POST', '/api/sagas', order, key)).toEqual(started);
    await expectAnswer(409, 'POST', '/api/sagas', { ...order, correlationId: 'other' }, key);
    await expectAnswer(400, 'POST', '/api/sagas', { name: NAME, input: { orderId: 'x', amount: -1 } });
    await expectAnswer(400, 'POST', '/api/sagas', '{"name":', {
      ...ADMIN,
      'content-type': 'application/json',
    });
    await expectAnswer(404, 'POST', '/api/sagas', { name: 'no-such-saga', input: {} });
    await expectAnswer(413, 'POST', '/api/sagas', { name: NAME, input: { pad: 'x'.repeat(70_000) } });
    await expectAnswer(401, 'POST', '/api/sagas', order, {});
    await expectAnswer(403, 'POST', '/api/sagas', order, READER);
    await reaches(started.id, 'COMPLETED');
  });

  it('lists and reads sagas with their steps, attempt history and log', async () => {
    const id = await start('ok-2');
    await reaches(id, 'COMPLETED');

    const saga = await expectAnswer(200, 'GET', `/api/sagas/${id}`, undefined, READER);
    expect(saga.steps[0].history[0].outcome).toBe('success');
    await expectAnswer(404, 'GET', `/api/sagas/${randomUUID()}`, undefined, READER);
    await expectAnswer(401, 'GET', `/api/sagas/${id}`, undefined, {});

    const page = await expectAnswer(200, 'GET', '/api/sagas?limit=1', undefined, READER);
    expect(page.nextCursor).toEqual(expect.any(String));
    await expectAnswer(200, 'GET', `/api/sagas?limit=1&cursor=${page.nextCursor}`, undefined, READER);
    await expectAnswer(400, 'GET', '/api/sagas?status=NOPE', undefined, READER);

    const log = await expectAnswer(200, 'GET', `/api/sagas/${id}/events?limit=2`, undefined, READER);
    expect(log.nextCursor).toEqual(expect.any(String));
    await expectAnswer(400, 'GET', `/api/sagas/${id}/events?cursor=x`, undefined, READER);
    await expectAnswer(404, 'GET', `/api/sagas/${randomUUID()}/events`, undefined, READER);
  });

  it('answers the operator endpoints: retry, complete a compensation, rerun, complete a step, abort', async () => {
    const stuck = await start('stuck-1');
    const failed = await reaches(stuck, 'COMPENSATION_FAILED');
    expect(failed.errors).toHaveLength(1);
    await expectAnswer(200, 'GET', `/api/sagas/${stuck}`, undefined, READER);
    await expectAnswer(202, 'POST', `/api/sagas/${stuck}/retry`, { reason });
    await reaches(stuck, 'COMPENSATION_FAILED');
    const compensation = `/api/sagas/${stuck}/steps/charge-payment/compensation/complete`;
    await expectAnswer(202, 'POST', compensation, { reason });
    await reaches(stuck, 'COMPENSATED');
    await expectAnswer(200, 'POST', compensation, { reason });
    await expectAnswer(409, 'POST', `/api/sagas/${stuck}/retry`);

    const rerunKey = { ...ADMIN, 'idempotency-key': 'rerun-1' };
    const rerun = { input: { orderId: 'ok-rerun', amount: 1 }, reason };
    const again = await expectAnswer(201, 'POST', `/api/sagas/${stuck}/rerun`, rerun, rerunKey);
    expect(again.rerunOf).toBe(stuck);
    await expectAnswer(200, 'POST', `/api/sagas/${stuck}/rerun`, rerun, rerunKey);
    await reaches(again.id, 'COMPLETED');
    expect((await expectAnswer(200, 'GET', `/api/sagas/${stuck}`, undefined, READER)).reruns).toEqual([
      again.id,
    ]);
    expect((await expectAnswer(200, 'GET', `/api/sagas/${again.id}`, undefined, READER)).rerunOf).toBe(stuck);

    const hold = await start('hold-1');
    await chargeSent(hold);
    await expectAnswer(409, 'POST', `/api/sagas/${hold}/rerun`);
    await expectAnswer(404, 'POST', `/api/sagas/${hold}/steps/no-such-step/complete`, { output: {}, reason });
    await expectAnswer(400, 'POST', `/api/sagas/${hold}/steps/charge-payment/complete`, { output: {} });
    const complete = { output: { paymentId: 'by-hand' }, reason };
    await expectAnswer(202, 'POST', `/api/sagas/${hold}/steps/charge-payment/complete`, complete);
    await reaches(hold, 'COMPLETED');

    const aborted = await start('hold-2');
    await chargeSent(aborted);
    await expectAnswer(202, 'POST', `/api/sagas/${aborted}/abort`, { reason });
    await reaches(aborted, 'COMPENSATED');
    await expectAnswer(409, 'POST', `/api/sagas/${aborted}/abort`, { reason });
    await expectAnswer(404, 'POST', `/api/sagas/${randomUUID()}/abort`, { reason }, ADMIN);
    await expectAnswer(403, 'POST', `/api/sagas/${aborted}/abort`, { reason }, READER);
  });

  it('reloads definitions, shows them, and moves running sagas to another version', async () => {
    const running = await start('hold-3');
    await chargeSent(running);

    writeFileSync(join(engine.sagasDir, 'broken.yaml'), 'name: [');
    await expectAnswer(422, 'POST', '/api/definitions/reload');
    rmSync(join(engine.sagasDir, 'broken.yaml'));
    writeFileSync(join(engine.sagasDir, 'order.yaml'), orderSagaYaml({ version: 2, stepTimeout: '60s' }));
    const reloaded = await expectAnswer(200, 'POST', '/api/definitions/reload');
    expect(reloaded.items[0].versions).toEqual([1, 2]);

    const dryRun = { name: NAME, fromVersion: 1, toVersion: 2, dryRun: true, reason };
    expect((await expectAnswer(200, 'POST', '/api/sagas/migrate', dryRun)).migrated).toBeGreaterThan(0);
    await expectAnswer(400, 'POST', '/api/sagas/migrate', { name: NAME, reason });
    await expectAnswer(202, 'POST', `/api/sagas/${running}/migrate`, { version: 2, reason });
    await expectAnswer(200, 'POST', `/api/sagas/${running}/migrate`, { version: 2, reason });
    await expectAnswer(400, 'POST', `/api/sagas/${running}/migrate`, { version: 9, reason });

    // Version 3 undoes the started reservation with another command: the saga cannot move there.
    const renamed = orderSagaYaml({ version: 3, stepTimeout: '60s' }).replace(
      'compensation: ReleaseInventory',
      'compensation: ReleaseStock',
    );
    writeFileSync(join(engine.sagasDir, 'order.yaml'), renamed);
    await expectAnswer(200, 'POST', '/api/definitions/reload');
    const refused = await expectAnswer(409, 'POST', `/api/sagas/${running}/migrate`, { version: 3, reason });
    expect(refused.details.length).toBeGreaterThan(0);

    const list = await expectAnswer(200, 'GET', '/api/definitions', undefined, READER);
    expect(list.items[0]).toMatchObject({ name: NAME, currentVersion: 3 });
    const definition = await expectAnswer(200, 'GET', `/api/definitions/${NAME}`, undefined, READER);
    expect(definition.definitions).toHaveLength(3);
    await expectAnswer(404, 'GET', '/api/definitions/no-such-saga', undefined, READER);
    await expectAnswer(200, 'GET', `/api/definitions/${NAME}/graph?version=1`, undefined, READER);
    await expectAnswer(400, 'GET', `/api/definitions/${NAME}/graph?version=9`, undefined, READER);
    await expectAnswer(404, 'GET', '/api/definitions/no-such-saga/graph', undefined, READER);
  });

  it('shows a saga set aside on no step, and the dead letters its reply and other messages became', async () => {
    const id = await start('aside-1');
    const charge = await waitFor('the charge to be held', () => held.find((c) => c.saga.id === id));
    await sql.query(
      `UPDATE saga_instances SET state = jsonb_set(state, '{version}', '99'::jsonb), revision = revision + 1
       WHERE id = $1`,
      [id],
    );
    const channel = await broker.createChannel();
    const reply = replyAnswering(charge, {
      message_id: randomUUID(),
      timestamp: new Date().toISOString(),
      outcome: 'success',
      output: { paymentId: 'late' },
    });
    channel.sendToQueue(Topology.repliesQueue, Buffer.from(JSON.stringify(reply)), {
      messageId: reply.message_id,
    });
    channel.sendToQueue(Topology.repliesQueue, Buffer.from('not json'));
    channel.publish(Topology.deadLetterExchange, '', Buffer.from([0xff, 0xfe]));
    await channel.close();

    await reaches(id, 'SUSPENDED');
    const setAside = await expectAnswer(200, 'GET', `/api/sagas/${id}`, undefined, READER);
    expect(setAside.suspension).toMatchObject({ step: null, resumeStatus: 'RUNNING' });
    await expectAnswer(409, 'POST', `/api/sagas/${id}/retry`);

    const letters = await waitFor('three dead letters', async () => {
      const { body } = await engine.request('GET', '/api/dead-letters', undefined, READER);
      return body.items.length >= 3 ? body.items : undefined;
    });
    const page = await expectAnswer(200, 'GET', '/api/dead-letters?limit=1', undefined, READER);
    expect(page.nextCursor).toEqual(expect.any(String));
    await expectAnswer(400, 'GET', '/api/dead-letters?cursor=abc', undefined, READER);
    const binary = letters.find((letter: { encoding: string }) => letter.encoding === 'base64');
    const garbage = letters.find((letter: { content: string }) => letter.content === 'not json');
    await expectAnswer(200, 'GET', `/api/dead-letters/${binary.id}`, undefined, READER);
    await expectAnswer(404, 'GET', '/api/dead-letters/999999', undefined, READER);
    await expectAnswer(409, 'POST', `/api/dead-letters/${binary.id}/replay`);
    await expectAnswer(202, 'POST', `/api/dead-letters/${garbage.id}/replay`);
    await expectAnswer(404, 'POST', `/api/dead-letters/${garbage.id}/replay`);
    await expectAnswer(204, 'DELETE', `/api/dead-letters/${binary.id}`);
    await expectAnswer(404, 'DELETE', `/api/dead-letters/${binary.id}`);
  });

  it('serves statistics, the role of a key, the health probes and the metrics', async () => {
    const stats = await expectAnswer(200, 'GET', '/api/stats', undefined, READER);
    expect(stats.counts.length).toBeGreaterThan(0);
    expect(stats.retention.period).toBe('30d');
    expect(await expectAnswer(200, 'GET', '/api/whoami', undefined, READER)).toEqual({ role: 'read' });
    expect(await expectAnswer(200, 'GET', '/api/whoami', undefined, ADMIN)).toEqual({ role: 'admin' });
    await expectAnswer(200, 'GET', `/api/stats?name=${NAME}&since=2020-01-01T00:00:00Z`, undefined, READER);
    await expectAnswer(400, 'GET', '/api/stats?since=yesterday', undefined, READER);
    await expectAnswer(200, 'GET', '/health', undefined, {});
    await expectAnswer(200, 'GET', '/health/live', undefined, {});
    await expectAnswer(200, 'GET', '/health/ready', undefined, {});
    await expectAnswer(200, 'GET', '/metrics', undefined, {});
  });

  it('has exercised every operation of the document, and the document has every route the server serves', () => {
    expect(conformance.unexercised()).toEqual([]);
    const documented = new Set(conformance.operations());
    const served = registeredRoutes(engine)
      .map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`)
      .filter((route) => !UNDOCUMENTED_ROUTES.has(route));
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });
});
