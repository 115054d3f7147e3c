import { randomUUID } from 'node:crypto';
import type { Options } from 'amqplib';
import fc from 'fast-check';
import { type Command, type JsonObject, Topology, commandQueueName } from 'saga-orchestrator-sdk/contracts';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { successReply } from 'saga-orchestrator-sdk/internal/sdk/replies';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, expectQueueDrained, recordingLogger, testCommand } from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

/**
 * Properties of a running participant under hostile input: whatever is thrown at its queue — arbitrary JSON,
 * arbitrary bytes, huge and deep values, random AMQP headers and properties — after each run it answers a fresh
 * command, nothing stays unacknowledged on its queue, and every message thrown was either answered or moved to
 * `sagas.dead-letter` with a reason (a poison message always the latter).
 *
 * Each run checks the queue with `rabbitmqctl` (about a second), so runs are few and each throws a batch. A
 * failure prints fast-check's seed: rerun it with `FC_SEED=<seed>`; `FC_RUNS=<n>` runs each property n times.
 */
const PARTICIPANT = 'fuzzed';
const MAX_COMMAND_BYTES = 256 * 1024;
const MAX_REPLY_BYTES = 64 * 1024;
const RUNS = Number(process.env.FC_RUNS ?? 4);
/** Each run takes one to three seconds; a batch of large messages more. */
const TIMEOUT = 30_000 + RUNS * 10_000;
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** One message thrown at the queue, and what must become of it. */
interface Thrown {
  content: Buffer;
  properties?: Options.Publish;
  /** `poison`: dead-lettered; `command`: answered (`reply` says how, when known); `either`: one of the two. */
  expect: 'poison' | 'command' | 'either';
  reply?: (body: Record<string, unknown>) => void;
}

/** A thrown message that fast-check prints as `summary` in a counterexample, rather than as megabytes of bytes. */
function thrown(summary: string, message: Thrown): Thrown {
  const text = summary.length > 300 ? `${summary.slice(0, 300)}…` : summary;
  return Object.assign(message, { [fc.toStringMethod]: () => `${message.expect}: ${text}` });
}

describe('participant SDK under hostile input (property-based)', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  let participant: Participant;

  beforeAll(async () => {
    vhost = await createVhost('sdk-fuzz');
    broker = await SdkTestBroker.connect(vhost.url);
    await broker.declareParticipant(PARTICIPANT);
    participant = createParticipant({
      url: vhost.url,
      participant: PARTICIPANT,
      prefetch: 8,
      maxCommandBytes: MAX_COMMAND_BYTES,
      maxReplyBytes: MAX_REPLY_BYTES,
      logger: recordingLogger(),
      handlers: { Echo: async (payload) => payload },
    });
    await participant.start();
  });

  afterAll(async () => {
    await participant?.stop();
    await broker?.close();
    await vhost?.drop();
  });

  /** Throws a batch, then checks everything the properties promise. */
  async function throwBatch(batch: Thrown[]): Promise<void> {
    const ids: string[] = [];
    for (const thrown of batch) {
      const id = randomUUID();
      ids.push(id);
      await broker.publish(PARTICIPANT, withMessageId(thrown.content, id), {
        ...thrown.properties,
        messageId: id,
      });
    }
    for (const [index, thrown] of batch.entries()) {
      const id = ids[index]!;
      const settled = await waitFor(`message ${index} answered or dead-lettered`, () => broker.settledAs(id));
      if (thrown.expect !== 'either')
        expect({ index, settled }).toEqual({ index, settled: expectedFate(thrown) });
      if (settled === 'dead-lettered') {
        expect((await broker.deadLetter(id)).reason).toMatch(/\S/);
      } else {
        thrown.reply?.((await broker.replyTo(id)).body);
      }
    }
    const [answered] = await Promise.all([
      broker
        .send(PARTICIPANT, testCommand('Echo', { payload: { fresh: true } }))
        .then((sent) => broker.reply(sent)),
      expectQueueDrained(vhost.name, PARTICIPANT),
    ]);
    expect(answered.body).toMatchObject({ outcome: 'success', output: { fresh: true } });
  }

  const property = (batches: fc.Arbitrary<Thrown[]>) =>
    fc.assert(
      fc.asyncProperty(batches, (batch) => throwBatch(batch)),
      { numRuns: RUNS, seed, endOnFailure: true },
    );

  it(
    'dead-letters arbitrary JSON values, and mutated commands it cannot read',
    async () => {
      await property(fc.array(fc.oneof(arbitraryJson, mutatedCommand), { minLength: 1, maxLength: 8 }));
    },
    TIMEOUT,
  );

  it(
    'dead-letters arbitrary bytes, and commands holding bytes it cannot read',
    async () => {
      await property(fc.array(arbitraryBytes, { minLength: 1, maxLength: 8 }));
    },
    TIMEOUT,
  );

  it(
    'dead-letters commands too large or too deep to read, and answers too large outputs with OUTPUT_TOO_LARGE',
    async () => {
      await property(fc.array(fc.oneof(sizedCommand, deepCommand, deepJunk), { minLength: 1, maxLength: 4 }));
    },
    TIMEOUT,
  );

  it(
    'answers or dead-letters commands with random AMQP headers and properties',
    async () => {
      await property(fc.array(commandWithRandomProperties, { minLength: 1, maxLength: 8 }));
    },
    TIMEOUT,
  );
});

function expectedFate(thrown: Thrown): 'dead-lettered' | 'replied' {
  return thrown.expect === 'poison' ? 'dead-lettered' : 'replied';
}

/** Puts the message's AMQP id into a command body as its `message_id`, so the reply names it. */
function withMessageId(content: Buffer, id: string): Buffer {
  return content.includes(PLACEHOLDER_ID)
    ? Buffer.from(content.toString().replace(PLACEHOLDER_ID, id))
    : content;
}

/** Same length as a UUID, so sizes computed before the id is known stay exact. */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-placeholder0';

function command(payload: JsonObject = {}): Command {
  return testCommand('Echo', { message_id: PLACEHOLDER_ID, payload });
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const arbitraryJson: fc.Arbitrary<Thrown> = fc
  .jsonValue({ maxDepth: 6 })
  .map((value) => thrown(`JSON ${JSON.stringify(value)}`, { content: json(value), expect: 'poison' }));

/**
 * A command with one field replaced by any JSON value: it may still be a command (a payload for a payload).
 * `message_id` stays, so that a reply can be told apart.
 */
const mutatedCommand: fc.Arbitrary<Thrown> = fc
  .record({
    field: fc.constantFrom(...Object.keys(command()).filter((field) => field !== 'message_id')),
    value: fc.jsonValue({ maxDepth: 4 }),
  })
  .map(({ field, value }) =>
    thrown(`a command whose ${field} is ${JSON.stringify(value)}`, {
      content: json({ ...command(), [field]: value }),
      expect: 'either',
    }),
  );

const arbitraryBytes: fc.Arbitrary<Thrown> = fc.oneof(
  fc
    .uint8Array({ maxLength: 4096 })
    .map((bytes): Thrown => ({ content: Buffer.from(bytes), expect: 'poison' })),
  // Bytes inside a command's string: invalid UTF-8, control bytes and quotes are refused, other text is not.
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes): Thrown => {
    const body = json(command({ note: '@@' }));
    const at = body.indexOf('@@');
    return thrown(`a command whose payload.note holds bytes ${Buffer.from(bytes).toString('hex')}`, {
      content: Buffer.concat([body.subarray(0, at), bytes, body.subarray(at + 2)]),
      expect: 'either',
    });
  }),
);

/** A command padded around the size limits: refused above `maxCommandBytes`, OUTPUT_TOO_LARGE above the reply's. */
const sizedCommand: fc.Arbitrary<Thrown> = fc
  .oneof(
    fc.integer({ min: MAX_COMMAND_BYTES - 600, max: MAX_COMMAND_BYTES + 600 }),
    fc.integer({ min: MAX_REPLY_BYTES - 600, max: MAX_REPLY_BYTES + 600 }),
    fc.integer({ min: 2 * MAX_COMMAND_BYTES, max: 16 * MAX_COMMAND_BYTES }),
  )
  .map((padding) => {
    const payload = { blob: 'x'.repeat(padding) };
    const content = json(command(payload));
    return thrown(`a command of ${content.length} bytes echoing a ${padding}-character string`, {
      content,
      expect: content.length > MAX_COMMAND_BYTES ? 'poison' : 'command',
      reply: (body) =>
        expect(body).toMatchObject(
          echoReplyBytes(command(payload)) > MAX_REPLY_BYTES
            ? { outcome: 'failure', error: { code: 'OUTPUT_TOO_LARGE', retryable: false } }
            : { outcome: 'success', output: payload },
        ),
    });
  });

/** A command whose payload holds arrays nested `depth` deep: the body is `depth + 2` levels deep, its echo too. */
const deepCommand: fc.Arbitrary<Thrown> = fc
  .oneof(fc.integer({ min: 55, max: 135 }), fc.integer({ min: 1000, max: 200_000 }))
  .map((depth) => {
    const content = Buffer.from(
      JSON.stringify(command()).replace(
        '"payload":{}',
        `"payload":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ),
    );
    return thrown(`a command whose payload holds arrays nested ${depth} deep`, {
      content,
      expect: depth + 2 > 128 ? 'poison' : 'command',
      reply: (body) =>
        expect(body).toMatchObject(
          depth + 2 > 64
            ? { outcome: 'failure', error: { code: 'OUTPUT_TOO_LARGE' } }
            : { outcome: 'success' },
        ),
    });
  });

/** Unbalanced or mismatched brackets, deep enough to overflow a recursive parser. */
const deepJunk: fc.Arbitrary<Thrown> = fc
  .record({
    depth: fc.integer({ min: 1, max: 300_000 }),
    open: fc.constantFrom('[', '{', '{"a":'),
    close: fc.constantFrom('', ']', '}'),
  })
  .map(({ depth, open, close }) => ({
    content: Buffer.from(open.repeat(depth) + close.repeat(depth)),
    expect: 'poison',
  }));

/** The bytes of the success reply echoing `sent`'s payload (a reply's id and timestamp have fixed lengths). */
function echoReplyBytes(sent: Command): number {
  return json(successReply(sent, sent.payload, { messageId: randomUUID(), now: new Date() })).length;
}

/** Header values amqplib encodes: strings, numbers, booleans, void, byte arrays, arrays and nested tables. */
const headerValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 50 }),
    fc.integer(),
    // amqplib sends an integral number as a 64-bit integer: larger ones cannot be sent that way.
    fc.double({ min: -1e15, max: 1e15 }),
    // A double any client can send, which amqplib decodes but cannot encode again: it takes it for a 64-bit
    // integer. (NaN and infinities are no use: RabbitMQ closes the connection that sends one.)
    fc.constant({ '!': 'double', value: -1e300 }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.array(tie('value'), { maxLength: 4 }),
    // A key `!` would make amqplib read the table as a typed value.
    fc.dictionary(
      fc.string({ maxLength: 10 }).filter((key) => key !== '!'),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** RabbitMQ itself refuses a publish whose CC or BCC header is not a list of strings. */
const headerName = fc.oneof(
  fc.string({ maxLength: 30 }).filter((name) => name !== 'CC' && name !== 'BCC'),
  fc.constantFrom('traceparent', 'tracestate', 'x-saga-error', 'x-death', 'x-saga-original-exchange'),
);

const randomHeaders = fc.oneof(
  fc.dictionary(headerName, headerValue, { maxKeys: 8 }),
  // Trace headers of any size up to what amqplib's encoder holds: copied onto the reply only when small.
  fc.record({ traceparent: fc.integer({ min: 0, max: 60_000 }).map((size) => 't'.repeat(size)) }),
);

const replyTo = fc.oneof(
  fc.constant<string | undefined>(undefined),
  fc.constant(Topology.repliesQueue),
  fc.constantFrom(
    'amq.gen-abc',
    'amq.rabbitmq.reply-to.x',
    commandQueueName('other'),
    Topology.deadLetterQueue,
    'a\nb',
  ),
);

const commandWithRandomProperties: fc.Arbitrary<Thrown> = fc
  .record({
    headers: randomHeaders,
    undecodable: fc.boolean(),
    replyTo,
    contentType: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    type: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    correlationId: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    priority: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    poisonBody: fc.boolean(),
  })
  .map(({ headers, undecodable, replyTo: queue, poisonBody, ...properties }) => {
    const refusedQueue = queue !== undefined && queue !== Topology.repliesQueue;
    const allHeaders = undecodable ? { ...headers, 'x-saga-undecodable-headers': 'forged' } : headers;
    const publish = { ...properties, headers: allHeaders, replyTo: queue };
    return thrown(`${poisonBody ? 'junk' : 'a command'} with ${describeProperties(publish)}`, {
      content: poisonBody ? Buffer.from('{"not": "a command"}') : json(command({ n: 1 })),
      properties: publish,
      expect: poisonBody || undecodable || refusedQueue ? 'poison' : 'command',
      reply: (body) => expect(body).toMatchObject({ outcome: 'success', output: { n: 1 } }),
    });
  });

function describeProperties(properties: Options.Publish): string {
  return JSON.stringify(properties, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 40
      ? `${value.slice(0, 40)}… (${value.length} characters)`
      : value,
  );
}
