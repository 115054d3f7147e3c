import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { InProcessBroker } from 'saga-orchestrator-sdk/internal/messaging/in-process/in-process-broker';
import { topicMatches } from 'saga-orchestrator-sdk/internal/messaging/in-process/routing';
import { brokerDeathOf } from '../../../src/transport/broker-death';

const words = (text: string) => (text === '' ? [] : text.split('.'));

describe('topic routing', () => {
  it.each([
    ['order-fulfillment.SagaCompleted', 'order-fulfillment.SagaCompleted', true],
    ['*.SagaCompleted', 'order-fulfillment.SagaCompleted', true],
    ['*.SagaCompleted', 'order-fulfillment.SagaStarted', false],
    ['order-fulfillment.*', 'order-fulfillment.StepFailed', true],
    ['*', 'a.b', false],
    ['#', 'a.b.c', true],
    ['#', '', true],
    ['a.#', 'a', true],
    ['a.#.c', 'a.b.b.c', true],
    ['a.#.c', 'a.b.d', false],
    ['#.c', 'c', true],
    ['*.*', 'a', false],
  ])('%s takes %j: %s', (pattern, key, expected) => {
    expect(topicMatches(words(pattern), words(key))).toBe(expected);
  });
});

/** A broker, a connection and a confirm channel on it, with the consumed messages collected. */
async function setUp() {
  const broker = new InProcessBroker();
  const model = await broker.transport.connect('amqp://in-process');
  const channel = await model.createConfirmChannel();
  return { broker, model, channel };
}

function collect(channel: Channel, queue: string): Promise<ConsumeMessage[]> {
  const received: ConsumeMessage[] = [];
  return channel.consume(queue, (message) => message && received.push(message)).then(() => received);
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  key: string,
  body: string,
  headers = {},
) {
  return new Promise<void>((resolve, reject) =>
    channel.publish(exchange, key, Buffer.from(body), { messageId: body, headers }, (error) =>
      error ? reject(error as Error) : resolve(),
    ),
  );
}

describe('the in-process broker', () => {
  it('routes by exchange type: direct by key, topic by pattern, fanout to all; the default exchange by queue name', async () => {
    const { channel } = await setUp();
    await channel.assertExchange('commands', 'direct', { durable: true });
    await channel.assertExchange('events', 'topic', { durable: true });
    await channel.assertExchange('all', 'fanout', { durable: true });
    for (const queue of ['inventory', 'billing', 'audit'])
      await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue('inventory', 'commands', 'inventory');
    await channel.bindQueue('billing', 'events', '*.SagaCompleted');
    await channel.bindQueue('audit', 'all', '');
    const inventory = await collect(channel, 'inventory');
    const billing = await collect(channel, 'billing');
    const audit = await collect(channel, 'audit');

    await publishConfirmed(channel, 'commands', 'inventory', 'c1');
    await publishConfirmed(channel, 'commands', 'payments', 'c2');
    await publishConfirmed(channel, 'events', 'order.SagaCompleted', 'e1');
    await publishConfirmed(channel, 'events', 'order.SagaStarted', 'e2');
    await publishConfirmed(channel, 'all', 'whatever', 'f1');
    await publishConfirmed(channel, '', 'inventory', 'd1');
    await settle();

    const ids = (messages: ConsumeMessage[]) => messages.map((message) => message.properties.messageId);
    expect(ids(inventory)).toEqual(['c1', 'd1']);
    expect(ids(billing)).toEqual(['e1']);
    expect(ids(audit)).toEqual(['f1']);
  });

  it('keeps at most prefetch messages unacknowledged per consumer', async () => {
    const { channel } = await setUp();
    await channel.assertQueue('work');
    await channel.prefetch(2);
    const received = await collect(channel, 'work');
    for (const id of ['1', '2', '3', '4']) channel.sendToQueue('work', Buffer.from(id), { messageId: id });
    await settle();
    expect(received).toHaveLength(2);
    expect((await channel.checkQueue('work')).messageCount).toBe(2);
    channel.ack(received[0] as ConsumeMessage);
    await settle();
    expect(received).toHaveLength(3);
  });

  it('gives a requeued message back first, marked redelivered; a closed channel gives back what it held', async () => {
    const { model, channel } = await setUp();
    await channel.assertQueue('work');
    const first = await collect(channel, 'work');
    channel.sendToQueue('work', Buffer.from('a'), { messageId: 'a' });
    await settle();
    channel.nack(first[0] as ConsumeMessage, false, true);
    await settle();
    expect(first.map((message) => [message.properties.messageId, message.fields.redelivered])).toEqual([
      ['a', false],
      ['a', true],
    ]);

    const other = await model.createChannel();
    await channel.close();
    const second = await collect(other, 'work');
    await settle();
    expect(second.map((message) => message.fields.redelivered)).toEqual([true]);
  });

  it('dead-letters a rejected message by the queue arguments, with the x-death headers the archive reads', async () => {
    const { channel } = await setUp();
    await channel.assertExchange('sagas.dead-letter', 'fanout', { durable: true });
    await channel.assertQueue('sagas.dead-letter');
    await channel.bindQueue('sagas.dead-letter', 'sagas.dead-letter', '');
    await channel.assertExchange('commands', 'direct');
    await channel.assertQueue('work', { arguments: { 'x-dead-letter-exchange': 'sagas.dead-letter' } });
    await channel.bindQueue('work', 'commands', 'inventory');
    const work = await collect(channel, 'work');
    const dead = await collect(channel, 'sagas.dead-letter');
    await publishConfirmed(channel, 'commands', 'inventory', 'm1', { traceparent: 't' });
    await settle();
    channel.nack(work[0] as ConsumeMessage, false, false);
    await settle();

    expect(dead).toHaveLength(1);
    const headers = (dead[0] as ConsumeMessage).properties.headers ?? {};
    expect(headers.traceparent).toBe('t');
    expect(brokerDeathOf(headers)).toEqual({
      reason: 'rejected',
      queue: 'work',
      exchange: 'commands',
      routingKey: 'inventory',
    });
  });

  it('dead-letters a message given back more often than x-delivery-limit', async () => {
    const { channel } = await setUp();
    await channel.assertExchange('dlx', 'fanout');
    await channel.assertQueue('dead');
    await channel.bindQueue('dead', 'dlx', '');
    await channel.assertQueue('work', {
      arguments: { 'x-delivery-limit': 1, 'x-dead-letter-exchange': 'dlx' },
    });
    const dead = await collect(channel, 'dead');
    const work = await collect(channel, 'work');
    channel.sendToQueue('work', Buffer.from('m'));
    for (let i = 0; i < 2; i++) {
      await settle();
      channel.nack(work[i] as ConsumeMessage, false, true);
    }
    await settle();
    expect(work).toHaveLength(2);
    expect(dead.map((message) => message.properties.headers?.['x-first-death-reason'])).toEqual([
      'delivery_limit',
    ]);
  });

  it('closes the channel on what RabbitMQ refuses, with its codes: a missing queue 404, other arguments 406', async () => {
    const { model, channel } = await setUp();
    const closed = new Promise((resolve) => channel.once('close', resolve));
    const errors: Error[] = [];
    channel.on('error', (error: Error) => errors.push(error));
    await expect(channel.checkQueue('missing')).rejects.toMatchObject({ code: 404 });
    await closed;
    expect(errors).toHaveLength(1);
    expect(() => channel.publish('', 'q', Buffer.from('x'))).toThrow('Channel closed');

    const other = await model.createChannel();
    other.on('error', () => undefined);
    await other.assertQueue('q', { durable: true });
    await expect(
      other.assertQueue('q', { durable: true, arguments: { 'x-queue-type': 'quorum' } }),
    ).rejects.toMatchObject({ code: 406 });
  });

  it('fails the confirm of a publish to a missing exchange', async () => {
    const { channel } = await setUp();
    channel.on('error', () => undefined);
    await expect(publishConfirmed(channel, 'nowhere', 'k', 'm')).rejects.toMatchObject({ code: 404 });
  });

  it('cancels the consumers of a deleted queue, and closes every connection when it stops', async () => {
    const { broker, model, channel } = await setUp();
    await channel.assertQueue('q');
    const deliveries: Array<ConsumeMessage | null> = [];
    await channel.consume('q', (message) => deliveries.push(message));
    await channel.deleteQueue('q');
    expect(deliveries).toEqual([null]);

    const modelClosed = new Promise((resolve) => model.once('close', resolve));
    await broker.stop();
    await modelClosed;
    await expect(broker.transport.connect('amqp://in-process')).rejects.toThrow('stopped');
  });
});
