import type { ConsumeMessage } from 'amqplib';
import { HandlerFailures } from 'saga-orchestrator-sdk/internal/sdk/handler-failures';

function delivery(messageId: string, redelivered: boolean, content = '{}'): ConsumeMessage {
  return {
    content: Buffer.from(content),
    fields: { deliveryTag: 1, redelivered, exchange: 'sagas.events', routingKey: 'o.SagaCompleted' },
    properties: { messageId, headers: {} },
  } as unknown as ConsumeMessage;
}

describe('HandlerFailures', () => {
  it('counts the failures of one message across its deliveries, and the next attempt', () => {
    const failures = new HandlerFailures();
    expect(failures.attemptOf(delivery('e-1', false))).toBe(1);
    expect(failures.failed(delivery('e-1', false))).toBe(1);
    expect(failures.attemptOf(delivery('e-1', true))).toBe(2);
    expect(failures.failed(delivery('e-1', true))).toBe(2);
    expect(failures.attemptOf(delivery('e-1', true))).toBe(3);
    // Another message, or the same id with other content, has a count of its own.
    expect(failures.attemptOf(delivery('e-2', true))).toBe(1);
    expect(failures.attemptOf(delivery('e-1', true, '{"other":1}'))).toBe(1);
  });

  it('forgets a message once it was handled or set aside', () => {
    const failures = new HandlerFailures();
    failures.failed(delivery('e-1', false));
    failures.forget(delivery('e-1', true));
    expect(failures.attemptOf(delivery('e-1', true))).toBe(1);
  });

  it('keeps at most `capacity` counts, forgetting the oldest first', () => {
    const failures = new HandlerFailures(2);
    failures.failed(delivery('e-1', false));
    failures.failed(delivery('e-2', false));
    failures.failed(delivery('e-3', false));
    expect(failures.attemptOf(delivery('e-1', true))).toBe(1);
    expect(failures.attemptOf(delivery('e-2', true))).toBe(2);
    expect(failures.attemptOf(delivery('e-3', true))).toBe(2);
  });
});
