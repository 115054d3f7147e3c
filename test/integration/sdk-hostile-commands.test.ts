import { randomUUID } from 'node:crypto';
import { Topology } from 'saga-orchestrator-sdk/contracts';
import { BusinessError, type JsonObject, type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { publishDeepHeaders } from '../support/deep-headers';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, expectQueueDrained, recordingLogger, testCommand } from '../support/sdk-broker';

const MiB = 1024 * 1024;
const logger = recordingLogger();

/**
 * Each test throws one kind of bad message at a running participant, then checks that the message is in
 * `sagas.dead-letter` with its reason (or was answered with a failure), that the participant still answers a
 * good command, and that nothing stayed unacknowledged on its queue.
 */
describe('participant SDK: hostile and careless commands over a real RabbitMQ', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  let inventory: Participant;
  /** The message ids of the ReserveInventory commands the handler ran for. */
  const reserved: string[] = [];

  beforeAll(async () => {
    vhost = await createVhost('sdk-hostile');
    broker = await SdkTestBroker.connect(vhost.url);
    inventory = createParticipant({
      url: vhost.url,
      participant: 'inventory',
      logger,
      handlers: {
        ReserveInventory: async (payload, ctx) => {
          reserved.push(ctx.messageId);
          return { reservationId: `r-${String(payload.orderId)}` };
        },
        ExportCatalogue: async () => ({ catalogue: 'x'.repeat(2 * MiB) }),
        ExportTree: async () => ({ tree: nested(80) }),
        RefuseVerbosely: async () => {
          throw new BusinessError(`OUT_OF_STOCK_${'E'.repeat(500)}`, 'no stock');
        },
      },
    });
    await inventory.start();
  });

  afterAll(async () => {
    await inventory?.stop();
    await broker?.close();
    await vhost?.drop();
  });

  /** The participant answers a good command, and its queue holds nothing, ready or unacknowledged. */
  async function expectStillServing(): Promise<void> {
    const sent = await broker.send(
      'inventory',
      testCommand('ReserveInventory', { payload: { orderId: 'o-1' } }),
    );
    const { body } = await broker.reply(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { reservationId: 'r-o-1' } });
    await expectQueueDrained(vhost.name, 'inventory');
  }

  /** Publishes raw bytes as a command with a fresh AMQP `messageId`, and returns that id. */
  async function publish(content: Buffer | string, properties: { replyTo?: string } = {}): Promise<string> {
    const messageId = randomUUID();
    await broker.publish('inventory', Buffer.isBuffer(content) ? content : Buffer.from(content), {
      messageId,
      ...properties,
    });
    return messageId;
  }

  it('dead-letters a command larger than maxCommandBytes (default 8 MiB) without parsing it', async () => {
    const command = testCommand('ReserveInventory', { payload: { padding: 'x'.repeat(8 * MiB) } });
    const messageId = await publish(JSON.stringify(command));

    const { message, reason } = await broker.deadLetter(messageId);
    expect(reason).toMatch(/^the command body is \d+ bytes, more than the limit of 8388608$/);
    expect(message.content.length).toBeGreaterThan(8 * MiB);
    await expectStillServing();
  });

  it('dead-letters a command nested 100,000 levels deep as nested deeper than 128 levels', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const body = JSON.stringify(testCommand('ReserveInventory')).replace(
      '"payload":{}',
      `"payload":{"a":${deep}}`,
    );
    const messageId = await publish(body);

    expect((await broker.deadLetter(messageId)).reason).toBe(
      'the command body is nested deeper than 128 levels',
    );
    await expectStillServing();
  });

  it('dead-letters a body that is not JSON', async () => {
    const messageId = await publish('{"message_id": "m-1", "type": ');

    expect((await broker.deadLetter(messageId)).reason).toMatch(/^the command body is not valid JSON: /);
    await expectStillServing();
  });

  it('dead-letters a command with bytes that are not UTF-8, instead of reading them as U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify(testCommand('ReserveInventory', { payload: { orderId: '@@' } })));
    json.set([0xc3, 0x28], json.indexOf('@@'));
    const messageId = await publish(json);

    expect((await broker.deadLetter(messageId)).reason).toBe('the command body is not valid UTF-8');
    await expectStillServing();
  });

  it('dead-letters commands with an id longer than 200 characters, naming the field', async () => {
    const tooLong = 'x'.repeat(201);
    const base = testCommand('ReserveInventory');
    const cases = [
      { command: { ...base, message_id: tooLong }, field: 'message_id' },
      { command: { ...base, idempotency_key: tooLong }, field: 'idempotency_key' },
      { command: { ...base, saga: { ...base.saga, name: tooLong } }, field: 'saga.name' },
      // 200 characters, but more than the 255 bytes a reply's correlationId can hold.
      { command: { ...base, message_id: 'é'.repeat(200) }, field: 'message_id' },
    ];
    for (const { command, field } of cases) {
      const messageId = await publish(JSON.stringify(command));
      const { reason } = await broker.deadLetter(messageId);
      expect(reason).toMatch(new RegExp(`^not a command: ${field.replace('.', '\\.')}: `));
    }
    await expectStillServing();
  });

  it('dead-letters commands whose replyTo is a broker-reserved amq.* name, without running their handler', async () => {
    // A direct reply-to name as the broker hands them out, and a server-named queue's. (The bare
    // `amq.rabbitmq.reply-to` cannot be sent from a channel that does not consume it: the broker refuses it.)
    for (const replyTo of ['amq.rabbitmq.reply-to.g1h2AAJyZXBseQ==', 'amq.gen-JzTY20BRgKO-HjmUJj0wLg']) {
      const command = testCommand('ReserveInventory');
      const messageId = await publish(JSON.stringify(command), { replyTo });
      expect((await broker.deadLetter(messageId)).reason).toBe(
        `replyTo ${JSON.stringify(replyTo)} is not a queue to reply to: names starting with "amq." are reserved by the broker`,
      );
      expect(reserved).not.toContain(command.message_id);
    }
    await expectStillServing();
  });

  it('answers a 2 MiB output with a non-retryable OUTPUT_TOO_LARGE failure, and logs it', async () => {
    const sent = await broker.send('inventory', testCommand('ExportCatalogue'));

    const { body, message } = await broker.reply(sent);
    expect(body).toMatchObject({
      outcome: 'failure',
      in_reply_to: sent.message_id,
      error: {
        code: 'OUTPUT_TOO_LARGE',
        message: expect.stringMatching(/^the reply would be \d+ bytes, more than the limit of 1048576$/),
        retryable: false,
      },
    });
    expect(message.content.length).toBeLessThan(2000);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'reply replaced by an OUTPUT_TOO_LARGE failure' }),
    );
    await expectStillServing();
  });

  it('answers an output nested deeper than the engine reads with OUTPUT_TOO_LARGE', async () => {
    const sent = await broker.send('inventory', testCommand('ExportTree'));

    const { body } = await broker.reply(sent);
    expect(body).toMatchObject({
      outcome: 'failure',
      error: {
        code: 'OUTPUT_TOO_LARGE',
        message: 'the reply would be nested deeper than 64 levels (its output starts at level 2)',
        retryable: false,
      },
    });
  });

  it('cuts an error code longer than 200 characters, which the engine would refuse', async () => {
    const sent = await broker.send('inventory', testCommand('RefuseVerbosely'));

    const { body } = await broker.reply(sent);
    expect(body).toMatchObject({
      outcome: 'failure',
      error: { code: `OUT_OF_STOCK_${'E'.repeat(187)}`, message: 'no stock', retryable: false },
    });
    await expectStillServing();
  });

  it('dead-letters a command whose header table is nested 5,000 deep, which amqplib cannot decode', async () => {
    const messageId = randomUUID();
    await publishDeepHeaders(vhost.url, 'inventory', messageId, 5000);

    const { message, reason } = await broker.deadLetter(messageId);
    expect(reason).toMatch(/^amqplib could not decode the message headers: Maximum call stack size exceeded/);
    expect(message.properties.headers).toMatchObject({
      'x-saga-undecodable-headers': reason,
      'x-saga-original-exchange': Topology.commandsExchange,
      'x-saga-original-routing-key': 'inventory',
    });
    await expectStillServing();
  });

  it('kept its connection and its channel through all of it', () => {
    const logged = (message: string) => logger.lines.filter((line) => line.message === message).length;
    expect(logged('connected to the broker')).toBe(1);
    expect(logged('broker connection lost; reconnecting')).toBe(0);
    expect(logged('the broker closed the consumer channel; opening another')).toBe(0);
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'reply replaced by an OUTPUT_TOO_LARGE failure',
      'reply replaced by an OUTPUT_TOO_LARGE failure',
    ]);
  });
});

/** An object nested `depth` levels deep. */
function nested(depth: number): JsonObject {
  let value: JsonObject = { leaf: true };
  for (let level = 1; level < depth; level++) value = { child: value };
  return value;
}
