import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, type GetMessage, connect } from 'amqplib';
import { type Command, commandSchema } from '../../src/contracts/command';
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
    const slowSaga = orderSagaYaml.replaceAll('timeout: 400ms', 'timeout: 60s');
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

  async function deadLetters(count: number): Promise<GetMessage[]> {
    const found: GetMessage[] = [];
    await waitFor(`${count} dead letters`, async () => {
      const message = await channel.get('sagas.dead-letter', { noAck: true });
      if (message) found.push(message);
      return found.length >= count ? true : undefined;
    });
    return found;
  }

  function successReply(command: Command, messageId = randomUUID()) {
    return {
      message_id: messageId,
      in_reply_to: command.message_id,
      saga_id: command.saga.id,
      step: command.step,
      kind: command.kind,
      outcome: 'success',
      output: { reservationId: 'r-1' },
    };
  }

  it('applies a reply once: a redelivered copy and a second reply to the same command change nothing', async () => {
    const { body: created } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'dup-1', amount: 3 },
    });
    const reserve = await nextCommand('sagas.commands.inventory');
    const reply = successReply(reserve);
    publishReply(reply);
    await nextCommand('sagas.commands.payments');
    const before = (await engine.request('GET', `/api/sagas/${created.id}`)).body;
    const logBefore = (await engine.request('GET', `/api/sagas/${created.id}/events`)).body.items;

    publishReply(reply); // same message_id: de-duplicated
    publishReply(successReply(reserve)); // new message_id, same command: ignored and logged
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
    publishReply({
      message_id: randomUUID(),
      in_reply_to: randomUUID(),
      saga_id: stranger,
      step: 'reserve-inventory',
      kind: 'action',
      outcome: 'success',
      output: {},
    });
    publishReply(undefined, 'this is not json {');
    publishReply({ message_id: 'm', outcome: 'maybe' });

    const letters = await deadLetters(3);
    const reasons = letters.map((m) => String(m.properties.headers?.['x-saga-error']));
    expect(reasons).toEqual(
      expect.arrayContaining([
        `reply names unknown saga "${stranger}"`,
        'reply is not valid JSON',
        expect.stringMatching(/^reply does not match the reply schema: .*outcome/),
      ]),
    );
    expect(letters.map((m) => m.content.toString())).toContain('this is not json {');
    await waitFor('the replies queue to drain', async () =>
      (await channel.checkQueue('sagas.replies')).messageCount === 0 ? true : undefined,
    );
    const { body } = await engine.request('GET', '/health');
    expect(body.status).toBe('ok');
  });
});
