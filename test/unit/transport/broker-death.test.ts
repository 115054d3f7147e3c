import { brokerDeathOf, brokerDeathReason } from '../../../src/transport/broker-death';

describe('brokerDeathOf', () => {
  it('reads the first death the broker recorded, with the routing key the message was published with', () => {
    const death = brokerDeathOf({
      'x-first-death-reason': 'delivery_limit',
      'x-first-death-queue': 'sagas.commands.crashy',
      'x-first-death-exchange': 'sagas.commands',
      'x-death': [
        {
          count: 1,
          reason: 'delivery_limit',
          queue: 'sagas.commands.crashy',
          exchange: 'sagas.commands',
          'routing-keys': ['crashy'],
        },
      ],
    });
    expect(death).toEqual({
      reason: 'delivery_limit',
      queue: 'sagas.commands.crashy',
      exchange: 'sagas.commands',
      routingKey: 'crashy',
    });
    expect(brokerDeathReason(death!)).toBe(
      'delivery_limit (dead-lettered by the broker from queue sagas.commands.crashy)',
    );
  });

  it('is null for a message the broker did not dead-letter', () => {
    expect(brokerDeathOf({ 'x-saga-error': 'reply is not JSON' })).toBeNull();
  });
});
