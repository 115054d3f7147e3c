import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { ReplyAuthorizationError } from '../../src/orchestrator/reply-authorization';
import { Topology, replyAnswering } from 'saga-orchestrator-sdk/contracts';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { orderSagaYaml } from '../support/order-saga';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const PARTICIPANTS = ['inventory', 'payments', 'shipping'] as const;

/**
 * REPLY_AUTH=user-id against the real broker: one broker user per participant, with the permissions docs/operations.md
 * gives (read its own queue, write replies and dead letters, configure nothing).
 */
describe('participant identity (REPLY_AUTH=user-id)', () => {
  const suffix = randomBytes(4).toString('hex');
  const users = Object.fromEntries(PARTICIPANTS.map((name) => [name, `${name}-svc-${suffix}`])) as Record<
    (typeof PARTICIPANTS)[number],
    string
  >;
  const password = randomBytes(12).toString('hex');
  let engine: TestEngine;
  let vhost: string;
  const scripted: ScriptedParticipant[] = [];
  let shipping: Participant;

  beforeAll(async () => {
    for (const user of Object.values(users)) await run('rabbitmqctl', ['-q', 'add_user', user, password]);
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: {
        REPLY_AUTH: 'user-id',
        PARTICIPANT_USERS: PARTICIPANTS.map((name) => `${name}:${users[name]}`).join(','),
      },
    });
    vhost = decodeURIComponent(new URL(engine.amqpUrl).pathname.slice(1));
    for (const name of PARTICIPANTS) {
      const queue = `^sagas\\.commands\\.${name}$`;
      await run('rabbitmqctl', [
        '-q',
        'set_permissions',
        '-p',
        vhost,
        users[name],
        '^$',
        '^(amq\\.default|sagas\\.dead-letter)$',
        queue,
      ]);
    }
    const urlOf = (name: (typeof PARTICIPANTS)[number]) => {
      const url = new URL(engine.amqpUrl);
      url.username = users[name];
      url.password = password;
      return url.toString();
    };
    for (const name of ['inventory', 'payments'] as const) {
      const participant = new ScriptedParticipant(
        urlOf(name),
        name,
        (command) =>
          String(command.payload.orderId).startsWith('stall-') && name === 'inventory'
            ? { outcome: 'no-reply' }
            : { outcome: 'success', output: { reservationId: 'r-1', paymentId: 'p-1' } },
        { userId: users[name], passive: true },
      );
      await participant.start();
      scripted.push(participant);
    }
    // The SDK under the same restrictions: it only checks the topology, and stamps its replies.
    shipping = createParticipant({
      url: urlOf('shipping'),
      participant: 'shipping',
      declareTopology: false,
      replyUserId: true,
      handlers: { ScheduleShipment: () => ({ trackingId: 't-1' }) },
    });
    await shipping.start();
  });

  afterAll(async () => {
    for (const participant of scripted) await participant.stop().catch(() => undefined);
    await shipping?.stop();
    await engine?.stop();
    for (const user of Object.values(users))
      await run('rabbitmqctl', ['-q', 'delete_user', user]).catch(() => undefined);
  });

  async function startSaga(orderId: string): Promise<string> {
    const { status, body } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId, amount: 1 },
    });
    expect(status).toBe(201);
    return body.id;
  }

  it('completes a saga whose replies come from each participant’s own broker user, SDK included', async () => {
    const id = await startSaga(`o-${randomUUID()}`);
    await waitFor('the saga to complete', async () =>
      (await engine.request('GET', `/api/sagas/${id}`)).body.status === 'COMPLETED' ? true : undefined,
    );
  });

  it('dead-letters a reply forged by another participant’s user, and one without user_id', async () => {
    const id = await startSaga(`stall-${randomUUID()}`);
    const [reserve] = await waitFor('the inventory command', () => {
      const sent = scripted[0]!.commands({ sagaId: id });
      return sent.length > 0 ? sent : undefined;
    });
    // A well-formed reply to the real command: only the broker user that sends it is wrong.
    const forgedReply = (messageId: string) =>
      Buffer.from(
        JSON.stringify(
          replyAnswering(reserve!, {
            message_id: messageId,
            outcome: 'success',
            output: { reservationId: 'forged' },
          }),
        ),
      );
    const forgerUrl = new URL(engine.amqpUrl);
    forgerUrl.username = users.payments;
    forgerUrl.password = password;
    const forger = await connect(forgerUrl.toString());
    const anonymous = await connect(engine.amqpUrl);
    try {
      const byPayments = await forger.createConfirmChannel();
      const forgedId = `forged-${randomUUID()}`;
      byPayments.sendToQueue(Topology.repliesQueue, forgedReply(forgedId), {
        messageId: forgedId,
        userId: users.payments,
      });
      await byPayments.waitForConfirms();
      const byGuest = await anonymous.createConfirmChannel();
      const unsignedId = `unsigned-${randomUUID()}`;
      byGuest.sendToQueue(Topology.repliesQueue, forgedReply(unsignedId), { messageId: unsignedId });
      await byGuest.waitForConfirms();

      const database = new Client({ connectionString: engine.database.url });
      await database.connect();
      try {
        const reasons = await waitFor('both forged replies in the dead letters', async () => {
          const { rows } = await database.query<{ message_id: string; reason: string }>(
            'SELECT message_id, reason FROM dead_letters WHERE message_id = ANY($1)',
            [[forgedId, unsignedId]],
          );
          return rows.length === 2 ? new Map(rows.map((row) => [row.message_id, row.reason])) : undefined;
        });
        expect(reasons.get(forgedId)).toBe(
          `reply was sent by broker user "${users.payments}", not by "${users.inventory}" of participant "inventory"`,
        );
        expect(reasons.get(unsignedId)).toBe('reply has no user_id; participant "inventory" must send it');
      } finally {
        await database.end();
      }
    } finally {
      await forger.close();
      await anonymous.close();
    }
    const { body } = await engine.request('GET', `/api/sagas/${id}`);
    expect(body.steps[0].status).not.toBe('SUCCEEDED');
    expect(body.steps[0].output).toBeNull();
  });

  it('refuses to start when a participant of a definition has no broker user', async () => {
    await expect(
      startTestEngine({
        sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
        env: { REPLY_AUTH: 'user-id', PARTICIPANT_USERS: 'inventory:a,payments:b' },
      }),
    ).rejects.toThrow(ReplyAuthorizationError);
  });
});
