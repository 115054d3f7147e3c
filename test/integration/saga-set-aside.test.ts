import { type ChannelModel, connect } from 'amqplib';
import { Client } from 'pg';
import type { Command } from 'saga-orchestrator-sdk/contracts';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { orderSagaYaml } from '../support/order-saga';
import { answerByHand } from '../support/reply-by-hand';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/** Keeps the warning and error lines an engine process logs. */
function lineRecorder(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    info: () => undefined,
    warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields ?? {})}`),
    error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
}

describe('a saga whose definition version cannot be had is set aside, visibly, and can be resumed', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];
  let broker: ChannelModel;
  let sql: Client;
  const log = lineRecorder();
  const held: Command[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order.yaml': orderSagaYaml({ stepTimeout: '60s' }) },
      logger: log,
    });
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) =>
        new ScriptedParticipant(engine.amqpUrl, name, (command) => {
          if (command.type === 'ChargePayment' && command.attempt === 1) {
            held.push(command);
            return { outcome: 'no-reply' };
          }
          return { outcome: 'success', output: { reservationId: 'r', paymentId: 'p', trackingId: 't' } };
        }),
    );
    await Promise.all(participants.map((participant) => participant.start()));
    broker = await connect(engine.amqpUrl);
    sql = new Client({ connectionString: engine.database.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await broker?.close();
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
  });

  const sagaOf = async (id: string) => (await engine.request('GET', `/api/sagas/${id}`)).body;
  async function startHeldAtCharge(orderId: string): Promise<{ id: string; charge: Command }> {
    const { body } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId, amount: 3 },
    });
    const id = body.id as string;
    const charge = await waitFor(`the charge of ${id}`, async () => held.find((c) => c.saga.id === id));
    return { id, charge };
  }
  /** Points the saga's stored state at `version`; the revision moves, so no engine process trusts its copy. */
  async function pointAt(id: string, version: number): Promise<void> {
    await sql.query(
      `UPDATE saga_instances SET state = jsonb_set(state, '{version}', to_jsonb($2::int)), revision = revision + 1
       WHERE id = $1`,
      [id, version],
    );
  }
  const answer = (command: Command) => answerByHand(broker, command, { paymentId: 'p-late' });

  it('sets aside a saga whose reply arrives for a version that is not stored; the reply is kept as a dead letter and replays once the saga is resumed', async () => {
    const { id, charge } = await startHeldAtCharge('set-aside-reply');
    await pointAt(id, 99);
    await answer(charge);

    const setAside = await waitFor('the saga to be set aside', async () => {
      const saga = await sagaOf(id);
      return saga.status === 'SUSPENDED' ? saga : undefined;
    });
    expect(setAside.suspension).toMatchObject({
      step: null,
      resumeStatus: 'RUNNING',
      reason: 'its definition cannot be had: order-fulfillment@99 is not stored',
    });
    const events = (await engine.request('GET', `/api/sagas/${id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'SagaSuspended',
      data: { version: 99, reason: setAside.suspension.reason },
    });
    expect(events.at(-1).step).toBeUndefined();
    const letter = await waitFor('the reply among the dead letters', async () => {
      const items = (await engine.request('GET', '/api/dead-letters')).body.items as Array<{
        id: string;
        reason: string;
      }>;
      return items.find((item) => item.reason.includes(`saga ${id} is set aside`));
    });
    const { rows: timers } = await sql.query(
      'SELECT count(*)::int AS n FROM saga_timers WHERE saga_id = $1',
      [id],
    );
    expect(timers[0].n).toBe(0);
    expect(log.warnings.some((line) => line.startsWith('saga set aside') && line.includes(id))).toBe(true);

    // While the version is missing, an operator's retry is refused with the reason.
    const refused = await engine.request('POST', `/api/sagas/${id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('SAGA_VERSION_MISSING');
    expect(refused.body.message).toContain('order-fulfillment@99 is not stored');

    // Repaired by hand, the saga is resumed: it waits again for the charge, and the replayed reply completes it.
    await pointAt(id, 1);
    const resumed = await engine.request('POST', `/api/sagas/${id}/retry`);
    expect(resumed.status).toBe(202);
    expect((await sagaOf(id)).status).toBe('RUNNING');
    expect((await engine.request('POST', `/api/dead-letters/${letter.id}/replay`)).status).toBe(202);
    const done = await waitFor('the resumed saga to complete', async () => {
      const saga = await sagaOf(id);
      return saga.status === 'COMPLETED' ? saga : undefined;
    });
    expect(done.steps.find((step: { name: string }) => step.name === 'charge-payment').output).toEqual({
      paymentId: 'p-late',
    });
    expect(log.errors).toEqual([]);
  });

  it('sets aside a saga whose timer fires for a stored version this engine cannot read, and leaves no timer behind', async () => {
    const { id } = await startHeldAtCharge('set-aside-timer');
    await sql.query(
      `INSERT INTO saga_definitions (name, version, description, document, fingerprint)
       VALUES ('order-fulfillment', 77, null, '{"name": "order-fulfillment", "version": 77}', 'broken')`,
    );
    await pointAt(id, 77);
    await sql.query(`UPDATE saga_timers SET fire_at = now() WHERE saga_id = $1`, [id]);

    const setAside = await waitFor('the saga to be set aside', async () => {
      const saga = await sagaOf(id);
      return saga.status === 'SUSPENDED' ? saga : undefined;
    });
    expect(setAside.suspension.reason).toMatch(
      /^its definition cannot be had: order-fulfillment@77 is stored but cannot be read: steps: /,
    );
    const { rows } = await sql.query('SELECT count(*)::int AS n FROM saga_timers WHERE saga_id = $1', [id]);
    expect(rows[0].n).toBe(0);
    // The engine goes on with every other saga.
    const other = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'after', amount: 1 },
    });
    expect(other.status).toBe(201);
    await waitFor('another saga to reach the charge', async () =>
      held.find((c) => c.saga.id === other.body.id),
    );
    expect(log.errors).toEqual([]);
  });
});
