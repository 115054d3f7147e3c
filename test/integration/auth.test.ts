import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

describe('API keys (docs/rest-api.md#authentication)', () => {
  let engine: TestEngine;
  const start = { name: 'order-fulfillment', input: { orderId: 'a-1', amount: 1 } };
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { API_KEYS: 'reader-key:read, admin-key:admin' },
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it.each([
    ['no key', {}],
    ['a wrong key', bearer('nope')],
    ['a malformed header', { Authorization: 'admin-key' }],
  ])('401 with %s', async (_, headers) => {
    const response = await engine.request('GET', '/api/sagas', undefined, headers);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('UNAUTHORIZED');
  });

  it('lets a read key GET but not POST (403)', async () => {
    expect((await engine.request('GET', '/api/definitions', undefined, bearer('reader-key'))).status).toBe(
      200,
    );
    const post = await engine.request('POST', '/api/sagas', start, bearer('reader-key'));
    expect(post.status).toBe(403);
    expect(post.body.error).toBe('FORBIDDEN');
    const retry = await engine.request(
      'POST',
      `/api/sagas/${crypto.randomUUID()}/retry`,
      undefined,
      bearer('reader-key'),
    );
    expect(retry.status).toBe(403);
  });

  it('lets an admin key start and read sagas, and reach the operator routes', async () => {
    const post = await engine.request('POST', '/api/sagas', start, bearer('admin-key'));
    expect(post.status).toBe(201);
    expect(
      (await engine.request('GET', `/api/sagas/${post.body.id}`, undefined, bearer('admin-key'))).status,
    ).toBe(200);
    const retry = await engine.request(
      'POST',
      `/api/sagas/${crypto.randomUUID()}/retry`,
      undefined,
      bearer('admin-key'),
    );
    expect(retry.status).toBe(404);
  });

  it('tells a key its role at GET /api/whoami, and refuses a request without one', async () => {
    const reader = await engine.request('GET', '/api/whoami', undefined, bearer('reader-key'));
    expect(reader).toMatchObject({ status: 200, body: { role: 'read' } });
    const admin = await engine.request('GET', '/api/whoami', undefined, bearer('admin-key'));
    expect(admin).toMatchObject({ status: 200, body: { role: 'admin' } });
    expect((await engine.request('GET', '/api/whoami')).status).toBe(401);
  });

  it('keeps /health open', async () => {
    expect((await engine.request('GET', '/health')).status).toBe(200);
  });
});
