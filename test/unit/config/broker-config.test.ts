import { ConfigError, loadConfig } from '../../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('AMQP_URL', () => {
  it('takes several comma-separated URLs, kept as written', () => {
    const url = 'amqp://u:p@rabbit-1:5672, amqp://u:p@rabbit-2:5672/sagas';
    expect(loadConfig({ AMQP_URL: url }).amqpUrl).toBe(url);
  });

  it.each<[string, string]>([
    ['not a url', 'AMQP_URL: is not a URL (expected amqp://user:password@host:5672/vhost)'],
    ['http://rabbit:5672', 'AMQP_URL: must start with amqp:// or amqps:// (its scheme is "http")'],
    [
      'amqp://u:secret@rabbit-1:5672,rabbit-2:5672',
      'AMQP_URL: entry 2 of 2: must start with amqp:// or amqps:// (its scheme is "rabbit-2")',
    ],
    ['amqp://u:secret@rabbit-1:5672,', 'AMQP_URL: entry 2 of 2: is empty (a comma with no URL after it?)'],
  ])('refuses %p naming the entry, never its password', (url, problem) => {
    const problems = problemsOf({ AMQP_URL: url });
    expect(problems).toEqual([problem]);
    expect(problems.join()).not.toContain('secret');
  });
});

describe('AMQP_QUEUE_TYPE and AMQP_DELIVERY_LIMIT', () => {
  it('default to classic queues', () => {
    expect(loadConfig({}).amqpQueues).toEqual({ type: 'classic' });
  });

  it('give quorum queues a delivery limit of 20 unless set', () => {
    expect(loadConfig({ AMQP_QUEUE_TYPE: 'quorum' }).amqpQueues).toEqual({
      type: 'quorum',
      deliveryLimit: 20,
    });
    expect(loadConfig({ AMQP_QUEUE_TYPE: 'quorum', AMQP_DELIVERY_LIMIT: '3' }).amqpQueues).toEqual({
      type: 'quorum',
      deliveryLimit: 3,
    });
  });

  it('refuse an unknown type, a limit that is not a positive integer, and a limit on classic queues', () => {
    expect(problemsOf({ AMQP_QUEUE_TYPE: 'stream' })).toEqual([
      'AMQP_QUEUE_TYPE: Invalid option: expected one of "classic"|"quorum"',
    ]);
    expect(problemsOf({ AMQP_QUEUE_TYPE: 'quorum', AMQP_DELIVERY_LIMIT: '0' })).toEqual([
      expect.stringMatching(/^AMQP_DELIVERY_LIMIT: /),
    ]);
    expect(problemsOf({ AMQP_DELIVERY_LIMIT: '5' })).toEqual([
      'AMQP_DELIVERY_LIMIT: has no effect without AMQP_QUEUE_TYPE=quorum',
    ]);
  });
});
