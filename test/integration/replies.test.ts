import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { type Command, commandSchema, replyAnswering } from 'saga-orchestrator-sdk/contracts';
import { successReply } from 'saga-orchestrator-sdk/internal/sdk/replies';
import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/** Replies are published by hand here, to feed the engine duplicates, strangers and poison. */
describe('reply handling: duplicates, unknown sagas and poison messages', () => {
  let engine: TestEngine;
  let connection: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    // Long attempt timeouts: no timer may change the saga while the test compares its states.
    const slowSaga = orderSagaYaml({ stepTimeout: '60s' });
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': slowSaga } });
    connection = await connect(engine.amqpUrl);
    channel = await connection.createChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await engine?.stop();
  });

  async function nextCommand(queue: string): Promise<Command> {
    const message = await waitFor(
      `a command on ${queue}`,
      async () => (await channel.get(queue, { noAck: true })) || undefined,
    );
    return commandSchema.parse(JSON.parse(message.content.toString()));
  }

  function publishReply(body: unknown, raw?: string): void {
    const content = Buffer.from(raw ?? JSON.stringify(body));
    channel.sendToQueue('sagas.replies', content, { persistent: true, contentType: 'application/json' });
  }

  /** Dead letters as an operator sees them: drained from sagas.dead-letter into GET /api/dead-letters. */
  async function deadLetters(count: number) {
    return waitFor(`${count} dead letters`, async () => {
      const { body } = await engine.request('GET', '/api/dead-letters');
      return body.items.length >= count ? body.items : undefined;
    });
  }

  /** A participant's success reply, built as the SDK builds it. */
  function reserved(command: Command) {
    return successReply(command, { reservationId: 'r-1' }, { messageId: randomUUID(), now: new Date() });
  }

  it('applies a reply once: a redelivered copy and a second reply to the same command change nothing', async () => {
    const { body: created } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'dup-1', amount: 3 },
    });
    const reserve = await nextCommand('sagas.commands.inventory');
    const reply = reserved(reserve);
    publishReply(reply);
    await nextCommand('sagas.commands.payments');
    const before = (await engine.request('GET', `/api/sagas/${created.id}`)).body;
    const logBefore = (await engine.request('GET', `/api/sagas/${created.id}/events`)).body.items;

    publishReply(reply); // same message_id: de-duplicated
    publishReply(reserved(reserve)); // new message_id, same command: ignored and logged
    const logAfter = await waitFor('the ignored reply in the log', async () => {
      const { body } = await engine.request('GET', `/api/sagas/${created.id}/events`);
      return body.items.length > logBefore.length ? body.items : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = (await engine.request('GET', `/api/sagas/${created.id}`)).body;

    expect(after.status).toBe(before.status);
    expect(after.steps).toEqual(before.steps);
    expect(after.updatedAt).toBe(before.updatedAt);
    const added = (await engine.request('GET', `/api/sagas/${created.id}/events`)).body.items.slice(
      logBefore.length,
    );
    expect(added).toHaveLength(1);
    expect(logAfter[logBefore.length]).toMatchObject({
      type: 'ReplyIgnored',
      step: 'reserve-inventory',
      data: { reason: expect.stringContaining('already finished') },
    });
    expect(await channel.checkQueue('sagas.commands.payments')).toMatchObject({ messageCount: 0 });
  });

  it('dead-letters a reply for an unknown saga, a non-JSON message and a reply that breaks the schema', async () => {
    const stranger = randomUUID();
    publishReply(
      replyAnswering(
        { message_id: randomUUID(), saga: { id: stranger }, step: 'reserve-inventory', kind: 'action' },
        { message_id: randomUUID(), outcome: 'success', output: {} },
      ),
    );
    publishReply(undefined, 'this is not json {');
    publishReply({ message_id: 'm', outcome: 'maybe' });

    const letters = await deadLetters(3);
    const reasons = letters.map((letter: { reason: string }) => letter.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        `reply names unknown saga "${stranger}"`,
        expect.stringMatching(/^reply is not valid JSON: /),
        expect.stringMatching(/^reply does not match the reply schema: .*outcome/),
      ]),
    );
    const garbage = letters.find((letter: { content: string }) => letter.content === 'this is not json {');
    expect(garbage).toMatchObject({
      encoding: 'utf8',
      originalExchange: '',
      originalRoutingKey: 'sagas.replies',
    });
    expect((await channel.checkQueue('sagas.dead-letter')).messageCount).toBe(0);
    await waitFor('the replies queue to drain', async () =>
      (await channel.checkQueue('sagas.replies')).messageCount === 0 ? true : undefined,
    );
    const { body } = await engine.request('GET', '/health');
    expect(body.status).toBe('ok');
  });

  it('dead-letters a reply PostgreSQL cannot store, and the saga still takes the next reply', async () => {
    const { body: created } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'nul-1', amount: 3 },
    });
    const reserve = await nextCommand('sagas.commands.inventory');
    const before = (await engine.request('GET', '/api/dead-letters?limit=500')).body.items.length;
    // Valid JSON and a valid reply, but jsonb cannot hold a NUL character.
    publishReply({ ...reserved(reserve), output: { reservationId: 'r\u0000' } });

    const letters = await deadLetters(before + 1);
    expect(letters.map((letter: { reason: string }) => letter.reason)).toEqual(
      expect.arrayContaining([
        'reply output.reservationId: contains a NUL character (\\u0000), which cannot be stored',
      ]),
    );
    expect((await engine.request('GET', `/api/sagas/${created.id}`)).body.status).toBe('RUNNING');

    publishReply(reserved(reserve));
    await nextCommand('sagas.commands.payments');
  });

  it('replays a dead letter to where it first went, deletes another, 404 for unknown ids', async () => {
    const before = (await engine.request('GET', '/api/dead-letters?limit=500')).body.items.length;
    publishReply(undefined, 'replay me');
    publishReply(undefined, 'delete me');
    const letters = await deadLetters(before + 2);
    const replayMe = letters.find((l: { content: string }) => l.content === 'replay me');
    const deleteMe = letters.find((l: { content: string }) => l.content === 'delete me');

    const replayed = await engine.request('POST', `/api/dead-letters/${replayMe.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body.replayedTo).toEqual({ exchange: '', routingKey: 'sagas.replies' });
    // Still not JSON: the engine dead-letters it again, as a new entry.
    const again = await waitFor('the replayed message to come back', async () => {
      const { body } = await engine.request('GET', '/api/dead-letters?limit=500');
      const found = body.items.find(
        (l: { content: string; id: string }) => l.content === 'replay me' && l.id !== replayMe.id,
      );
      return found;
    });
    expect(again.headers['x-saga-replayed-from']).toBe(replayMe.id);

    expect((await engine.request('DELETE', `/api/dead-letters/${deleteMe.id}`)).status).toBe(204);
    expect((await engine.request('DELETE', `/api/dead-letters/${deleteMe.id}`)).status).toBe(404);
    expect((await engine.request('POST', '/api/dead-letters/999999/replay')).status).toBe(404);
    expect((await engine.request('POST', '/api/dead-letters/abc/replay')).status).toBe(404);
    const { body } = await engine.request('GET', '/api/dead-letters?limit=500');
    expect(body.items.map((l: { id: string }) => l.id)).not.toContain(deleteMe.id);
    expect(body.items.map((l: { id: string }) => l.id)).not.toContain(replayMe.id);
  });
});
