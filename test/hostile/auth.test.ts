import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config/config';
import { orderSagaYaml } from '../support/order-saga';
import { type Route, registeredRoutes } from '../support/registered-routes';
import { type TestEngine, startTestEngine } from '../support/test-engine';

const OPEN_ROUTES = new Set(['GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics']);

/** A concrete path for a route: parameters filled with values that name nothing. */
function concrete(path: string): string {
  return path
    .replace(':id/replay', '1/replay')
    .replace('/api/dead-letters/:id', '/api/dead-letters/1')
    .replace(':id', randomUUID())
    .replace(':name', 'order-fulfillment');
}

describe('API keys on every route (docs/rest-api.md#authentication)', () => {
  let engine: TestEngine;
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const send = (route: Route, path: string, headers: Record<string, string>) =>
    engine.request(route.method, path, route.method === 'GET' ? undefined : {}, headers);

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { API_KEYS: 'reader-key:read,admin-key:admin' },
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('finds the registered routes: at least 19, starting, reading and aborting sagas and /health among them', () => {
    const routes = registeredRoutes(engine).map((route) => `${route.method} ${route.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/sagas',
        'GET /api/sagas/:id',
        'POST /api/sagas/:id/abort',
        'GET /health',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(19);
  });

  it('answers 401 on every route but the health probes and /metrics without a key, or with a wrong one', async () => {
    for (const route of registeredRoutes(engine)) {
      const path = concrete(route.path);
      for (const headers of [{}, bearer('wrong'), { Authorization: 'admin-key' }, bearer('ADMIN-KEY')]) {
        const { status } = await send(route, path, headers);
        if (OPEN_ROUTES.has(`${route.method} ${route.path}`))
          expect([route, status]).not.toEqual([route, 401]);
        else expect([route.method, route.path, status]).toEqual([route.method, route.path, 401]);
      }
    }
  });

  it('lets a read key read, and answers 403 to it on every route that changes something', async () => {
    for (const route of registeredRoutes(engine)) {
      const { status } = await send(route, concrete(route.path), bearer('reader-key'));
      if (route.method === 'GET')
        expect([route.path, [401, 403].includes(status)]).toEqual([route.path, false]);
      else expect([route.method, route.path, status]).toEqual([route.method, route.path, 403]);
    }
  });

  it('lets an admin key through on every route', async () => {
    for (const route of registeredRoutes(engine)) {
      const { status } = await send(route, concrete(route.path), bearer('admin-key'));
      expect([route.method, route.path, [401, 403].includes(status)]).toEqual([
        route.method,
        route.path,
        false,
      ]);
    }
  });

  it.each([
    ['GET', '/API/sagas'],
    ['GET', '/Api/definitions'],
    ['GET', '/api/sagas/'],
    ['GET', '/api/Sagas'],
    ['GET', '/%61pi/sagas'],
    ['GET', '//api/sagas'],
    ['POST', '/API/sagas'],
    ['POST', `/API/sagas/${randomUUID()}/abort`],
    ['POST', '/api/sagas/'],
  ])('gives nothing to %s %s without a key', async (method, path) => {
    const { status } = await engine.request(
      method,
      path,
      method === 'POST' ? { name: 'order-fulfillment', input: {} } : undefined,
    );
    expect([401, 404]).toContain(status);
  });

  it('refuses to start with API_KEYS set but empty, rather than running an open API', () => {
    for (const value of ['', ' ', ',', ' , ']) {
      expect(() => loadConfig({ API_KEYS: value })).toThrow(ConfigError);
    }
    try {
      loadConfig({ API_KEYS: '' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'API_KEYS: is set but holds no key; unset it to run an open API',
      ]);
    }
  });
});

describe('start rate limit (START_RATE_LIMIT)', () => {
  let engine: TestEngine;
  const start = () => ({ name: 'order-fulfillment', input: { orderId: `r-${randomUUID()}`, amount: 1 } });

  afterEach(async () => {
    await engine?.stop();
  });

  it('counts only authenticated keys: forged headers neither pass nor reset a real caller', async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      // One token per 100 s: the flood below may take seconds on a busy machine without refilling the bucket.
      env: { API_KEYS: 'first:admin,second:admin', START_RATE_LIMIT: '0.01', START_RATE_BURST: '2' },
    });
    const as = (key: string) => ({ Authorization: `Bearer ${key}` });
    const first = [];
    for (let n = 0; n < 3; n++)
      first.push((await engine.request('POST', '/api/sagas', start(), as('first'))).status);
    expect(first).toEqual([201, 201, 429]);

    // A flood of forged keys: each is refused as unauthenticated, and none of them touches a bucket.
    const forged = await Promise.all(
      Array.from({ length: 300 }, (_, n) => engine.request('POST', '/api/sagas', start(), as(`forged-${n}`))),
    );
    expect(new Set(forged.map((response) => response.status))).toEqual(new Set([401]));

    expect((await engine.request('POST', '/api/sagas', start(), as('first'))).status).toBe(429);
    expect((await engine.request('POST', '/api/sagas', start(), as('second'))).status).toBe(201);
  });

  it('limits an open API by client address, whatever Authorization header a client varies', async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { START_RATE_LIMIT: '0.01', START_RATE_BURST: '2' },
    });
    const statuses = [];
    for (let n = 0; n < 4; n++) {
      statuses.push(
        (await engine.request('POST', '/api/sagas', start(), { Authorization: `Bearer ${n}` })).status,
      );
    }
    expect(statuses).toEqual([201, 201, 429, 429]);
  });

  it('is off by default', async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
    const statuses = await Promise.all(
      Array.from({ length: 500 }, () => engine.request('POST', '/api/sagas', start())),
    );
    expect(new Set(statuses.map((response) => response.status))).toEqual(new Set([201]));
  });
});
