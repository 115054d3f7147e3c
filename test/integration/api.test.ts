import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

const validInput = { orderId: 'o-1', amount: 12.5 };

describe('REST API (docs/rest-api.md)', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { MAX_BODY_BYTES: '2048' },
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  describe('POST /api/sagas', () => {
    it('creates a saga: 201 with id, name, version, status', async () => {
      const response = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: validInput,
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'order-fulfillment',
        version: 1,
        status: 'RUNNING',
      });
    });

    it('returns the same saga for the same Idempotency-Key and body, 409 for a different body', async () => {
      const headers = { 'Idempotency-Key': `key-${Date.now()}` };
      const body = { name: 'order-fulfillment', input: validInput, correlationId: 'c-1' };
      const first = await engine.request('POST', '/api/sagas', body, headers);
      const second = await engine.request('POST', '/api/sagas', body, headers);
      const different = await engine.request(
        'POST',
        '/api/sagas',
        { ...body, input: { ...validInput, amount: 99 } },
        headers,
      );

      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(different.status).toBe(409);
      expect(different.body.error).toBe('IDEMPOTENCY_CONFLICT');
      const { body: list } = await engine.request('GET', '/api/sagas?limit=500');
      expect(list.items.filter((s: { correlationId: string }) => s.correlationId === 'c-1')).toHaveLength(1);
    });

    it('404 for an unknown saga name', async () => {
      const response = await engine.request('POST', '/api/sagas', { name: 'no-such-saga', input: {} });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: 'DEFINITION_NOT_FOUND', details: [{ path: 'name' }] });
    });

    it('400 with one detail per failing input field', async () => {
      const response = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: { amount: -1 },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('VALIDATION_FAILED');
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          { path: 'input.orderId', message: expect.any(String) },
          { path: 'input.amount', message: expect.any(String) },
        ]),
      );
      expect(response.body.details).toHaveLength(2);
    });

    it.each([
      ['malformed JSON', '{"name": "order-fulfillment", ', 'MALFORMED_JSON', undefined],
      [
        'an unknown top-level field',
        { name: 'order-fulfillment', input: validInput, extra: 1 },
        'VALIDATION_FAILED',
        'extra',
      ],
      ['a missing name', { input: validInput }, 'VALIDATION_FAILED', 'name'],
      ['a missing input', { name: 'order-fulfillment' }, 'VALIDATION_FAILED', 'input'],
      [
        'a NUL character in the input, which PostgreSQL cannot store',
        { name: 'order-fulfillment', input: { ...validInput, orderId: 'o-\u0000' } },
        'VALIDATION_FAILED',
        'input.orderId',
      ],
      [
        'a NUL character in the correlation id',
        { name: 'order-fulfillment', input: validInput, correlationId: 'c-\u0000' },
        'VALIDATION_FAILED',
        'correlationId',
      ],
    ])('400 for %s', async (_, body, code, path) => {
      const response = await engine.request('POST', '/api/sagas', body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(code);
      if (path !== undefined) expect(response.body.details).toEqual([{ path, message: expect.any(String) }]);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('413 for a body over MAX_BODY_BYTES', async () => {
      const response = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: { orderId: 'x'.repeat(4000), amount: 1 },
      });
      expect(response.status).toBe(413);
      expect(response.body.error).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('GET /api/sagas', () => {
    it('pages newest first with a cursor, and filters by status and name', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { body } = await engine.request('POST', '/api/sagas', {
          name: 'order-fulfillment',
          input: { orderId: `page-${i}`, amount: 1 },
        });
        ids.push(body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/api/sagas?name=order-fulfillment&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await engine.request('GET', query);
        expect(status).toBe(200);
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((s: { id: string }) => s.id));
        cursor = body.nextCursor;
      } while (cursor !== null);

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 5)).toEqual([...ids].reverse());
      const { body: running } = await engine.request('GET', '/api/sagas?status=RUNNING&limit=500');
      expect(running.items.every((s: { status: string }) => s.status === 'RUNNING')).toBe(true);
      const { body: none } = await engine.request('GET', '/api/sagas?name=other');
      expect(none).toEqual({ items: [], nextCursor: null });
    });

    it('filters by several statuses, version, correlationId, creation time and failing step', async () => {
      const before = new Date().toISOString();
      const { body: created } = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: validInput,
        correlationId: 'filter-corr',
      });
      const after = new Date(Date.now() + 1000).toISOString();
      const q = (query: string) => engine.request('GET', `/api/sagas?${query}`).then((r) => r.body);
      const ids = (body: { items: { id: string }[] }) => body.items.map((s) => s.id);

      expect(ids(await q('correlationId=filter-corr'))).toEqual([created.id]);
      expect(ids(await q('status=COMPLETED,RUNNING&correlationId=filter-corr'))).toEqual([created.id]);
      expect(ids(await q('status=COMPLETED&status=RUNNING&correlationId=filter-corr'))).toEqual([created.id]);
      expect(ids(await q('status=COMPLETED&correlationId=filter-corr'))).toEqual([]);
      expect(ids(await q('version=1&correlationId=filter-corr'))).toEqual([created.id]);
      expect(ids(await q('version=2&correlationId=filter-corr'))).toEqual([]);
      expect(ids(await q(`createdFrom=${before}&createdTo=${after}&correlationId=filter-corr`))).toEqual([
        created.id,
      ]);
      expect(ids(await q(`createdFrom=${after}&correlationId=filter-corr`))).toEqual([]);
      expect(ids(await q('failingStep=charge-payment&correlationId=filter-corr'))).toEqual([]);
      expect((await q('correlationId=filter-corr')).items[0]).toMatchObject({ failingStep: null });
    });

    it('filters by failing step', async () => {
      const { body: created } = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: validInput,
        correlationId: 'aborted-corr',
      });
      await engine.request('POST', `/api/sagas/${created.id}/abort`, { reason: 'test' });
      const { body } = await engine.request('GET', '/api/sagas?failingStep=reserve-inventory');
      expect(body.items.map((s: { id: string }) => s.id)).toContain(created.id);
      expect(body.items.every((s: { failingStep: string }) => s.failingStep === 'reserve-inventory')).toBe(
        true,
      );
    });

    it('keeps pages stable while new sagas arrive', async () => {
      const first = await engine.request('GET', '/api/sagas?limit=3');
      for (let i = 0; i < 3; i++) {
        await engine.request('POST', '/api/sagas', {
          name: 'order-fulfillment',
          input: { orderId: `new-${i}`, amount: 1 },
        });
      }
      const second = await engine.request('GET', `/api/sagas?limit=3&cursor=${first.body.nextCursor}`);
      const all = await engine.request('GET', '/api/sagas?limit=500');
      const ids = all.body.items.map((s: { id: string }) => s.id);
      const firstIds = first.body.items.map((s: { id: string }) => s.id);
      const secondIds = second.body.items.map((s: { id: string }) => s.id);

      // The second page continues exactly where the first ended, unaffected by the newer sagas.
      const start = ids.indexOf(firstIds[0]);
      expect(ids.slice(start, start + 6)).toEqual([...firstIds, ...secondIds]);
    });

    it.each([
      ['status=RUNNING,DONE', 'status'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['version=x', 'version'],
      ['colour=red', 'colour'],
      ['status=DONE', 'status'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['cursor=zzz', 'cursor'],
    ])('400 for %s', async (query, path) => {
      const response = await engine.request('GET', `/api/sagas?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe(path);
    });
  });

  describe('GET /api/sagas/{id}', () => {
    it('returns the saga with its steps, and its log', async () => {
      const { body: created } = await engine.request('POST', '/api/sagas', {
        name: 'order-fulfillment',
        input: validInput,
        correlationId: 'corr-7',
      });
      const { status, body } = await engine.request('GET', `/api/sagas/${created.id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: created.id,
        name: 'order-fulfillment',
        version: 1,
        status: 'RUNNING',
        input: validInput,
        correlationId: 'corr-7',
      });
      expect(body.steps).toHaveLength(3);
      expect(body.steps[0]).toEqual({
        name: 'reserve-inventory',
        status: 'RUNNING',
        attempts: 1,
        output: null,
        error: null,
        startedAt: expect.any(String),
        finishedAt: null,
        compensation: null,
        history: [
          {
            kind: 'action',
            attempt: 1,
            messageId: expect.any(String),
            startedAt: body.steps[0].startedAt,
            finishedAt: null,
            durationMs: null,
            outcome: 'pending',
            error: null,
            output: null,
          },
        ],
      });
      const events = await engine.request('GET', `/api/sagas/${created.id}/events`);
      expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['SagaStarted', 'CommandSent']);
      expect(events.body.items[1]).toMatchObject({ seq: 2, step: 'reserve-inventory', data: { attempt: 1 } });
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid'])(
      '404 for unknown or malformed id %s',
      async (id) => {
        expect((await engine.request('GET', `/api/sagas/${id}`)).status).toBe(404);
        expect((await engine.request('GET', `/api/sagas/${id}/events`)).status).toBe(404);
      },
    );
  });

  describe('definitions and health', () => {
    it('lists definitions with their versions', async () => {
      const { body } = await engine.request('GET', '/api/definitions');
      expect(body.items).toEqual([
        {
          name: 'order-fulfillment',
          description: 'Place an order across inventory, payments and shipping',
          currentVersion: 1,
          versions: [1],
        },
      ]);
      const one = await engine.request('GET', '/api/definitions/order-fulfillment');
      expect(one.body.definitions[0].steps.map((s: { name: string }) => s.name)).toEqual([
        'reserve-inventory',
        'charge-payment',
        'schedule-shipment',
      ]);
      expect((await engine.request('GET', '/api/definitions/nope')).status).toBe(404);
    });

    it('serves the definition as a Mermaid flowchart', async () => {
      const { status, body } = await engine.request(
        'GET',
        '/api/definitions/order-fulfillment/graph?version=1',
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({ name: 'order-fulfillment', version: 1, format: 'mermaid' });
      expect(body.graph).toMatch(/^flowchart LR\n/);
      expect(body.graph).toContain('s2 -.->|failure| c1');
      expect((await engine.request('GET', '/api/definitions/order-fulfillment/graph?version=9')).status).toBe(
        400,
      );
      expect((await engine.request('GET', '/api/definitions/nope/graph')).status).toBe(404);
    });

    it('reports both checks on /health', async () => {
      const { status, body } = await engine.request('GET', '/health');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', checks: { postgres: 'up', rabbitmq: 'up' } });
    });

    it('answers unknown routes with the JSON error shape', async () => {
      const { status, body } = await engine.request('GET', '/api/nothing-here');
      expect(status).toBe(404);
      expect(body).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
    });
  });

  it('answers GET /api/whoami with admin on an open API: anyone may do everything there', async () => {
    const response = await engine.request('GET', '/api/whoami');
    expect(response).toMatchObject({ status: 200, body: { role: 'admin' } });
  });
});
