import type { ConsumeMessage } from 'amqplib';
import { checkDelivery } from 'saga-orchestrator-sdk/internal/sdk/delivery-checks';

function delivery(properties: { replyTo?: string; headers?: Record<string, unknown> }): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: {
      deliveryTag: 1,
      redelivered: false,
      exchange: 'sagas.commands',
      routingKey: 'p',
      consumerTag: 'c',
    },
    properties: { headers: {}, ...properties },
  } as unknown as ConsumeMessage;
}

describe('checkDelivery', () => {
  it.each([
    [undefined, 'sagas.replies'],
    ['', 'sagas.replies'],
    ['sagas.replies', 'sagas.replies'],
    ['engine-7.replies', 'engine-7.replies'],
    // RabbitMQ reserves exactly the lower-case prefix: these are ordinary queue names.
    ['AMQ.replies', 'AMQ.replies'],
    ['amq-replies', 'amq-replies'],
    [' amq.x', ' amq.x'],
  ])('replies to replyTo %j on queue %j', (replyTo, replyQueue) => {
    expect(checkDelivery(delivery({ replyTo }))).toEqual({ ok: true, replyQueue });
  });

  it.each([
    ['amq.rabbitmq.reply-to', 'names starting with "amq." are reserved by the broker'],
    ['amq.rabbitmq.reply-to.g1h2AAJyZXBseQ==', 'names starting with "amq." are reserved by the broker'],
    ['amq.gen-JzTY20BRgKO-HjmUJj0wLg', 'names starting with "amq." are reserved by the broker'],
    ['amq.', 'names starting with "amq." are reserved by the broker'],
    ['sagas.commands.inventory', 'it is a command queue'],
    ['sagas.dead-letter', 'it is the dead-letter queue'],
    ['replies\n', 'it contains control characters'],
    ['rep\u0000lies', 'it contains control characters'],
  ])('refuses replyTo %j', (replyTo, why) => {
    expect(checkDelivery(delivery({ replyTo }))).toEqual({
      ok: false,
      reason: `replyTo ${JSON.stringify(replyTo)} is not a queue to reply to: ${why}`,
    });
  });

  it('refuses a message whose headers amqplib could not decode, with the reason it gave', () => {
    const headers = { 'x-saga-undecodable-headers': 'amqplib could not decode the message headers: boom' };
    expect(checkDelivery(delivery({ headers }))).toEqual({
      ok: false,
      reason: 'amqplib could not decode the message headers: boom',
    });
  });
});
