import { brokerHost, parseBrokerUrls } from 'saga-orchestrator-sdk/internal/messaging/broker-urls';
import { reconnectDelayMs } from 'saga-orchestrator-sdk/internal/messaging/broker-connection';
import { QueueMismatchError } from 'saga-orchestrator-sdk/internal/messaging/queue-mismatch';
import { queueOptions } from 'saga-orchestrator-sdk/internal/messaging/queue-settings';

describe('queueOptions', () => {
  const quorum = { type: 'quorum', deliveryLimit: 7 } as const;

  it('declares classic queues durable and without arguments, as the protocol always did', () => {
    expect(queueOptions({ type: 'classic' }, 'sagas.replies')).toEqual({ durable: true });
    expect(queueOptions({ type: 'classic' }, 'sagas.dead-letter')).toEqual({ durable: true });
  });

  it('declares quorum queues with the delivery limit, dead-lettering at least once to sagas.dead-letter', () => {
    expect(queueOptions(quorum, 'sagas.commands.inventory')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 7,
        'x-dead-letter-exchange': 'sagas.dead-letter',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  });

  it('gives the dead-letter queue no dead-letter exchange and no practical limit', () => {
    expect(queueOptions(quorum, 'sagas.dead-letter')).toEqual({
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2147483647 },
    });
  });
});

describe('QueueMismatchError', () => {
  it('names the queue and quotes the broker without amqplib around it', () => {
    const error = new QueueMismatchError(
      'sagas.replies',
      { type: 'quorum', deliveryLimit: 20 },
      'Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - ' +
        "inequivalent arg 'x-queue-type' for queue 'sagas.replies' in vhost '/': received 'quorum' but current is 'classic'\"",
    );
    expect(error.message).toBe(
      'queue sagas.replies exists with other arguments than a quorum (x-delivery-limit 20) queue (the broker ' +
        "says: inequivalent arg 'x-queue-type' for queue 'sagas.replies' in vhost '/': received 'quorum' but " +
        "current is 'classic'); queue arguments cannot change in place: drain and delete the queue, or use the " +
        'queue type it was declared with (README, "Moving from classic to quorum queues")',
    );
  });
});

describe('broker URLs', () => {
  it('splits a list in order and names each host without its credentials', () => {
    const parsed = parseBrokerUrls('amqp://u:secret@rabbit-1,amqps://u:secret@rabbit-2:5999/sagas%2Fprod');
    expect(parsed).toEqual({
      ok: true,
      urls: ['amqp://u:secret@rabbit-1', 'amqps://u:secret@rabbit-2:5999/sagas%2Fprod'],
    });
    if (!parsed.ok) return;
    expect(parsed.urls.map(brokerHost)).toEqual(['rabbit-1:5672', 'rabbit-2:5999/sagas%2Fprod']);
  });

  it('waits longer after each round, up to the maximum, within the jitter', () => {
    const delays = { initialMs: 200, maxMs: 5000, factor: 2, jitter: 0.2 };
    expect([1, 2, 3, 6, 20].map((round) => reconnectDelayMs(delays, round, () => 0.5))).toEqual([
      200, 400, 800, 5000, 5000,
    ]);
    expect(reconnectDelayMs(delays, 1, () => 0)).toBe(160);
    expect(reconnectDelayMs(delays, 1, () => 0.999999)).toBe(240);
  });
});
