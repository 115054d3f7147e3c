import { compileOptions } from 'saga-orchestrator-sdk/internal/sdk/options';
import { brokerUser } from 'saga-orchestrator-sdk/internal/sdk/reply-identity';

const base = { url: 'amqp://guest:guest@127.0.0.1:5672', participant: 'inventory', handlers: {} };

describe('compileOptions', () => {
  it('applies the defaults of the limits and of replyUserId', () => {
    expect(compileOptions(base)).toMatchObject({
      maxCommandBytes: 8388608,
      maxReplyBytes: 1048576,
      userId: null,
    });
  });

  it('lists every bad limit at once', () => {
    expect(() =>
      compileOptions({ ...base, maxCommandBytes: 0, maxReplyBytes: 100, replyUserId: 'yes' as never }),
    ).toThrow(
      'invalid participant options:\n' +
        'maxCommandBytes: must be a positive integer (got 0)\n' +
        'maxReplyBytes: must be an integer of at least 8192 (got 100)\n' +
        'replyUserId: must be true or false (got "yes")',
    );
  });

  it('takes several comma-separated URLs and the queue type, classic by default', () => {
    expect(compileOptions(base)).toMatchObject({ urls: [base.url], queues: { type: 'classic' } });
    expect(
      compileOptions({ ...base, url: 'amqp://a@rabbit-1,amqp://a@rabbit-2', queueType: 'quorum' }),
    ).toMatchObject({
      urls: ['amqp://a@rabbit-1', 'amqp://a@rabbit-2'],
      queues: { type: 'quorum', deliveryLimit: 20 },
    });
    expect(compileOptions({ ...base, queueType: 'quorum', deliveryLimit: 3 }).queues).toEqual({
      type: 'quorum',
      deliveryLimit: 3,
    });
  });

  it('lists every bad broker option at once', () => {
    expect(() =>
      compileOptions({
        ...base,
        url: `${base.url},broker:5672`,
        queueType: 'stream' as never,
        deliveryLimit: 0,
      }),
    ).toThrow(
      'invalid participant options:\n' +
        'url: entry 2 of 2: must start with amqp:// or amqps:// (its scheme is "broker")\n' +
        'queueType: must be "classic" or "quorum" (got "stream")\n' +
        'deliveryLimit: must be a positive integer (got 0)',
    );
    expect(() => compileOptions({ ...base, deliveryLimit: 5 })).toThrow(
      'deliveryLimit: has no effect without queueType "quorum"',
    );
    expect(() =>
      compileOptions({ ...base, url: 'amqp://a:pw@rabbit-1,amqp://b:pw@rabbit-2', replyUserId: true }),
    ).toThrow('url: with replyUserId, every URL must name the same user');
  });

  it('stamps the URL user with replyUserId', () => {
    expect(compileOptions({ ...base, url: 'amqp://billing:pw@broker/', replyUserId: true }).userId).toBe(
      'billing',
    );
  });
});

describe('brokerUser', () => {
  it.each([
    ['amqp://broker:5672/vhost', 'guest'],
    ['amqp://billing:secret@broker', 'billing'],
    ['amqp://sdk%20reply%2Bx:pw@broker', 'sdk reply+x'],
    ['amqp://:secret@broker', ''],
  ])('reads %s as user %j, as amqplib does', (url, user) => {
    expect(brokerUser(url)).toEqual({ ok: true, user });
  });

  it('refuses what is not a URL, and a name too long for the userId property', () => {
    expect(brokerUser('not a url')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^url: is not a URL/),
    });
    expect(brokerUser(`amqp://${'u'.repeat(256)}:pw@broker`)).toMatchObject({
      ok: false,
      problem: 'url: the user name is longer than the 255 bytes of userId',
    });
  });
});
