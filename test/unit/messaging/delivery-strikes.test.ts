import type { ConsumeMessage } from 'amqplib';
import { DeliveryStrikes } from 'saga-orchestrator-sdk/internal/messaging/delivery-strikes';

function delivery(content: string, redelivered: boolean, messageId = 'm-1'): ConsumeMessage {
  return {
    content: Buffer.from(content),
    fields: { deliveryTag: 1, redelivered, exchange: '', routingKey: 'q', consumerTag: 'c' },
    properties: { messageId, headers: {} },
  } as unknown as ConsumeMessage;
}

describe('DeliveryStrikes', () => {
  it('sets a message aside after its channel broke twice while it was in flight', () => {
    const strikes = new DeliveryStrikes({ limit: 2 });
    expect(strikes.received(delivery('poison', false))).toBeNull();
    strikes.channelBroke();
    expect(strikes.received(delivery('poison', true))).toBeNull();
    strikes.channelBroke();
    expect(strikes.received(delivery('poison', true))).toBe(
      'its channel closed 2 times while it was being handled',
    );
  });

  it('forgets the strikes of a message handled after a redelivery', () => {
    const strikes = new DeliveryStrikes({ limit: 2 });
    strikes.received(delivery('innocent', false));
    strikes.channelBroke();
    const again = delivery('innocent', true);
    expect(strikes.received(again)).toBeNull();
    strikes.settled(again, true);
    strikes.received(delivery('innocent', true));
    strikes.channelBroke();
    expect(strikes.received(delivery('innocent', true))).toBeNull();
  });

  it('gives no strike for a lost connection or to a message settled before the channel broke', () => {
    const strikes = new DeliveryStrikes({ limit: 1 });
    strikes.received(delivery('a', false));
    strikes.connectionLost();
    const settled = delivery('b', false, 'm-2');
    strikes.received(settled);
    strikes.settled(settled, true);
    strikes.channelBroke();
    expect(strikes.received(delivery('a', true))).toBeNull();
    expect(strikes.received(delivery('b', true, 'm-2'))).toBeNull();
  });

  it('tells apart messages with the same id and other content', () => {
    const strikes = new DeliveryStrikes({ limit: 1 });
    strikes.received(delivery('one', false));
    strikes.channelBroke();
    expect(strikes.received(delivery('two', true))).toBeNull();
    expect(strikes.received(delivery('one', true))).not.toBeNull();
  });

  it('remembers at most `capacity` messages', () => {
    const strikes = new DeliveryStrikes({ limit: 1, capacity: 2 });
    for (const content of ['a', 'b', 'c']) strikes.received(delivery(content, false));
    strikes.channelBroke();
    expect(strikes.received(delivery('a', true))).toBeNull();
    expect(strikes.received(delivery('c', true))).not.toBeNull();
  });
});
