import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

describe('rate limit and security headers', () => {
  let engine: TestEngine;
  const start = { name: 'order-fulfillment', input: { orderId: 'r-1', amount: 1 } };
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml },
      env: { API_KEYS: 'first:admin,second:admin', START_RATE_LIMIT: '0.5', START_RATE_BURST: '2' },
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('answers 429 with Retry-After beyond the start rate of one key, while another key goes on', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await engine.request('POST', '/api/sagas', start, as('first'))).status);
    const limited = await engine.request('POST', '/api/sagas', start, as('first'));

    expect(statuses).toEqual([201, 201, 429]);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await engine.request('POST', '/api/sagas', start, as('second'))).status).toBe(201);
    expect((await engine.request('GET', '/api/sagas', undefined, as('first'))).status).toBe(200);
  });

  it('sends security headers and no framework banner', async () => {
    const { headers } = await engine.request('GET', '/health');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('strict-transport-security')).toContain('max-age=');
    expect(headers.get('x-powered-by')).toBeNull();
  });
});
