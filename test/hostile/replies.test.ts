import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { ConsumeMessage } from 'amqplib';
import { Topology } from 'saga-orchestrator-sdk/contracts';
import { AmqpConnection } from '../../src/transport/amqp-connection';
import { HostileBench } from '../support/hostile';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const MAX_REPLY_BYTES = 1024 * 1024;

/** Messages on `sagas.replies` that must each end in the dead letters, while the engine goes on. */
describe('hostile replies', () => {
  let bench: HostileBench;

  beforeAll(async () => {
    bench = await HostileBench.start();
  });

  afterAll(async () => {
    await bench?.stop();
  });

  /** A running saga, for replies to name. */
  async function runningSagaId(): Promise<string> {
    const { body } = await bench.engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: `o-${randomUUID()}`, amount: 1 },
    });
    return body.id;
  }

  /** Spelled out rather than built with replyAnswering: the overrides break it on purpose. */
  function replyTo(sagaId: string, overrides: Record<string, unknown>): Buffer {
    return Buffer.from(
      JSON.stringify({
        message_id: randomUUID(),
        in_reply_to: randomUUID(),
        saga_id: sagaId,
        step: 'reserve-inventory',
        kind: 'action',
        outcome: 'success',
        output: {},
        ...overrides,
      }),
    );
  }

  it('dead-letters a reply nested 100,000 levels deep and keeps consuming', async () => {
    const sagaId = await runningSagaId();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const content = Buffer.from(
      replyTo(sagaId, {}).toString().replace('"output":{}', `"output":{"x":${deep}}`),
    );
    const id = await bench.publishReply(content);

    expect((await bench.deadLetterReasons([id])).get(id)).toBe('reply is nested deeper than 64 levels');
    await bench.expectWhole();
  });

  it('dead-letters a reply with a 6,000-character message_id at once, not retried forever', async () => {
    const sagaId = await runningSagaId();
    const messageId = randomBytes(3000).toString('hex');
    const id = await bench.publishReply(replyTo(sagaId, { message_id: messageId }));

    expect((await bench.deadLetterReasons([id])).get(id)).toMatch(
      /^reply does not match the reply schema: message_id: Too big: expected string to have <=200 characters/,
    );
    await bench.expectWhole();
  });

  it('stores a dead letter whose id and reason hold characters PostgreSQL cannot store', async () => {
    const id = await bench.publishReply(Buffer.from([0]), { messageId: `nul-\u0000-${randomUUID()}` });
    const [stored] = await waitFor('the dead letter', async () => {
      const { body } = await bench.engine.request('GET', '/api/dead-letters?limit=500');
      const found = body.items.filter(
        (item: { messageId: string }) => item.messageId === id.replace('\u0000', '\ufffd'),
      );
      return found.length > 0 ? found : undefined;
    });
    expect(stored.reason).toMatch(/^reply is not valid JSON: Unexpected token '\ufffd'/);
    await bench.expectWhole();
  });

  it('dead-letters a reply larger than MAX_REPLY_BYTES unread', async () => {
    const id = await bench.publishReply(Buffer.alloc(MAX_REPLY_BYTES + 1, 0x20));

    expect((await bench.deadLetterReasons([id])).get(id)).toBe(
      `reply is ${MAX_REPLY_BYTES + 1} bytes, more than the limit of ${MAX_REPLY_BYTES}`,
    );
    await bench.expectWhole();
  });

  it('dead-letters a message whose header table is nested too deep for amqplib, and keeps its connection', async () => {
    const connection = bench.engine.app.get(AmqpConnection);
    // Channels are replaced with their connection: the same channels afterwards mean the same connection.
    const channels = connection.current;
    expect(channels).not.toBeNull();
    const id = `hostile-${randomUUID()}`;
    const script = join(__dirname, '../support/publish-deep-headers.js');
    await run(process.execPath, [
      '--stack-size=60000',
      script,
      bench.engine.amqpUrl,
      Topology.repliesQueue,
      '5000',
      id,
      '{}',
    ]);

    expect((await bench.deadLetterReasons([id])).get(id)).toMatch(
      /^amqplib could not decode the message headers: Maximum call stack size exceeded/,
    );
    await bench.expectWhole();
    expect(connection.current).toBe(channels);
  });

  it('opens new channels when the broker closes one while the connection stays up', async () => {
    const connection = bench.engine.app.get(AmqpConnection);
    const before = connection.current!;
    // Acknowledging a delivery tag the channel never gave out is a channel error: the broker closes the channel.
    before.consume.ack({ fields: { deliveryTag: 999_999 } } as ConsumeMessage);
    await waitFor('new channels', () => {
      const now = connection.current;
      return now !== null && now.consume !== before.consume && now.publish !== before.publish
        ? true
        : undefined;
    });
    await bench.expectWhole();
    expect((await bench.engine.request('GET', '/health')).body.checks.rabbitmq).toBe('up');
  });

  it('takes any bytes, any JSON and any headers without stopping, and dead-letters each with a reason', async () => {
    const depth = fc.integer({ min: 60, max: 3000 });
    const body = fc.oneof(
      fc.json().map((text) => Buffer.from(text)),
      fc.jsonValue({ maxDepth: 8 }).map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      depth.map((levels) => Buffer.from(`{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`)),
      fc.constant(Buffer.alloc(MAX_REPLY_BYTES + 1, 0x7b)),
      fc
        .record({
          message_id: fc.string({ maxLength: 400 }),
          in_reply_to: fc.string({ maxLength: 50 }),
          saga_id: fc.oneof(fc.uuid(), fc.string()),
          step: fc.string({ maxLength: 300 }),
          kind: fc.constantFrom('action', 'compensation', 'other'),
          outcome: fc.constantFrom('success', 'failure', 'in_progress', ''),
          output: fc.jsonValue({ maxDepth: 4 }),
          error: fc.anything({ maxDepth: 3 }),
        })
        .map((reply) => Buffer.from(JSON.stringify(reply))),
    );
    const headerValue = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.integer(),
      fc.boolean(),
      // amqplib reads an object with a `!` key as a typed value, not as a table.
      fc.dictionary(
        fc.string({ maxLength: 10 }).filter((key) => key !== '!'),
        fc.string({ maxLength: 10 }),
        { maxKeys: 3 },
      ),
    );
    const message = fc.record({
      content: body,
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), headerValue, { maxKeys: 5 }),
      type: fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 8 }), async (messages) => {
        const ids: string[] = [];
        for (const { content, headers, type } of messages) {
          ids.push(await bench.publishReply(content, { headers, type, contentType: 'application/json' }));
        }
        const reasons = await bench.deadLetterReasons(ids);
        for (const id of ids) expect(reasons.get(id)?.length ?? 0).toBeGreaterThan(0);
        await bench.expectWhole();
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});
