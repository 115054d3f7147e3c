import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { HostileBench } from '../support/hostile';
import { waitFor } from '../support/wait-for';

interface RawResponse {
  status: number;
  body: string;
}

/** A request with any bytes as body and any header values Node lets through, where `fetch` would refuse some. */
function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

const start = (input: unknown = { orderId: `o-${randomUUID()}`, amount: 1 }) => ({
  name: 'order-fulfillment',
  input,
});

describe('hostile REST input', () => {
  let bench: HostileBench;

  beforeAll(async () => {
    bench = await HostileBench.start();
  });

  afterAll(async () => {
    await bench?.stop();
  });

  it('answers 400 naming Idempotency-Key for a 5,000-character key, and the starts beside it succeed', async () => {
    const hostile = bench.engine.request('POST', '/api/sagas', start(), {
      'Idempotency-Key': randomUUID().repeat(140),
    });
    const neighbours = Array.from({ length: 5 }, () => bench.engine.request('POST', '/api/sagas', start()));
    const refused = await hostile;

    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      { path: 'idempotency-key', message: 'must be at most 200 characters' },
    ]);
    expect((await Promise.all(neighbours)).map((response) => response.status)).toEqual([
      201, 201, 201, 201, 201,
    ]);
  });

  it.each([
    [
      'a cursor with a bad id',
      `/api/sagas?cursor=${Buffer.from('2024-01-01T00:00:00.000Z|x').toString('base64url')}`,
      'cursor',
    ],
    [
      'a cursor in year 0',
      `/api/sagas?cursor=${Buffer.from(`0000-01-01T00:00:00.000Z|${randomUUID()}`).toString('base64url')}`,
      'cursor',
    ],
    ['createdFrom in year 0', '/api/sagas?createdFrom=0000-01-01T00:00:00Z', 'createdFrom'],
    ['createdTo past year 9999', '/api/sagas?createdTo=9999-12-31T23:59:59-05:00', 'createdTo'],
    ['a version beyond integer', '/api/sagas?version=3000000000', 'version'],
    ['since in year 0', '/api/stats?since=0000-01-01T00:00:00Z', 'since'],
    ['a 300-character name', `/api/sagas?name=${'n'.repeat(300)}`, 'name'],
    [
      'a graph version beyond integer',
      '/api/definitions/order-fulfillment/graph?version=3000000000',
      'version',
    ],
    ['an events cursor that is not a number', `/api/sagas/${randomUUID()}/events?cursor=x`, 'cursor'],
  ])('answers 400 naming the field for %s', async (_, path, field) => {
    const response = await bench.engine.request('GET', path);

    expect(response.status).toBe(400);
    expect(response.body.details.map((detail: { path: string }) => detail.path)).toContain(field);
  });

  it('answers 400 to a correlationId over 255 bytes, which no AMQP property could carry', async () => {
    const response = await bench.engine.request('POST', '/api/sagas', {
      ...start(),
      correlationId: '€'.repeat(86),
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { path: 'correlationId', message: 'must be at most 255 bytes in UTF-8' },
    ]);
  });

  it('takes an empty X-Request-Id as absent: the first command is caused by the saga itself', async () => {
    const { status, body } = await bench.engine.request('POST', '/api/sagas', start(), {
      'X-Request-Id': '',
    });
    expect(status).toBe(201);

    const [first] = await waitFor('the first command', () => {
      const sent = bench.commandsOf(body.id);
      return sent.length > 0 ? sent : undefined;
    });
    expect(first!.causation_id).toBe(body.id);
  });

  it('pages a saga log: at most `limit` entries, and a cursor that reads on', async () => {
    const { body: saga } = await bench.engine.request('POST', '/api/sagas', start());
    await waitFor('the saga to complete', async () =>
      (await bench.sagaStatus(saga.id)) === 'COMPLETED' ? true : undefined,
    );
    const { body: all } = await bench.engine.request('GET', `/api/sagas/${saga.id}/events`);
    expect(all.nextCursor).toBeNull();

    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor === '' ? 'limit=2' : `limit=2&cursor=${cursor}`;
      const { body: page } = await bench.engine.request('GET', `/api/sagas/${saga.id}/events?${query}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { seq: number }) => item.seq));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.items.map((item: { seq: number }) => item.seq));
    expect(seen.length).toBeGreaterThan(4);
  });

  it('answers 400 for a body nested 100,000 levels deep, before parsing it', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const response = await rawRequest(
      bench.engine.baseUrl,
      'POST',
      '/api/sagas',
      { 'content-type': 'application/json' },
      Buffer.from(`{"name":"order-fulfillment","input":${deep}}`),
    );

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toBe('BODY_TOO_DEEP');
    await bench.expectWhole();
  });

  it('never answers 5xx to any body, query or header, and stays whole', async () => {
    const anyText = fc.string({ maxLength: 300 });
    const hostileString = fc.oneof(
      anyText,
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('\u0000', '\ud800', '0000-01-01T00:00:00Z', '3000000000', '-1', '1e400', ''),
      fc.integer({ min: 1, max: 20 }).map((n) => 'x'.repeat(n * 500)),
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }).map((value) => Buffer.from(JSON.stringify(value))),
      fc
        .record({
          name: fc.oneof(hostileString, fc.constant('order-fulfillment')),
          input: fc.jsonValue({ maxDepth: 5 }),
          correlationId: fc.option(hostileString, { nil: undefined }),
        })
        .map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes)),
      fc.integer({ min: 65, max: 5000 }).map((n) => Buffer.from(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
    );
    const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
    const headers = fc.record(
      {
        'idempotency-key': headerValue,
        'x-request-id': headerValue,
        traceparent: fc.oneof(headerValue, fc.constant(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)),
        tracestate: headerValue,
        'content-type': fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=utf-16',
          '',
        ),
      },
      { requiredKeys: ['content-type'] },
    );
    const queryKey = fc.constantFrom(
      'status',
      'name',
      'version',
      'correlationId',
      'failingStep',
      'createdFrom',
      'createdTo',
      'limit',
      'cursor',
      'since',
      'other',
    );
    const query = fc
      .array(fc.tuple(queryKey, hostileString), { maxLength: 6 })
      .map((pairs) =>
        new URLSearchParams(
          pairs.map(([key, value]): [string, string] => [key, value.replace(/[\ud800-\udfff]/g, '')]),
        ).toString(),
      );
    const path = fc.constantFrom(
      '/api/sagas',
      '/api/stats',
      '/api/dead-letters',
      '/api/definitions',
      `/api/sagas/${randomUUID()}/events`,
      '/api/definitions/order-fulfillment/graph',
    );

    await fc.assert(
      fc.asyncProperty(body, headers, path, query, async (content, sent, target, search) => {
        const post = await rawRequest(bench.engine.baseUrl, 'POST', '/api/sagas', sent, content);
        const get = await rawRequest(bench.engine.baseUrl, 'GET', `${target}?${search}`, {});
        expect(post.status).toBeLessThan(500);
        expect(get.status).toBeLessThan(500);
        expect(() => JSON.parse(post.body)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    await bench.expectWhole();
  }, 180_000);
});
