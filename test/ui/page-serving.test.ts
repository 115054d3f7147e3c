import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

/** The `src` and `href` of the page's own assets, as index.html names them. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('serving the page at /ui', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { API_KEYS: 'admin-key:admin' },
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it.each(['/ui', '/ui/'])('serves %s without a key, checked on every load', async (path) => {
    const page = await engine.request('GET', path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(assetPaths(page.body)).toHaveLength(3);
  });

  it('forbids inline scripts, eval and other origins on the page; styles may be inline for the graph', async () => {
    const policy = (await engine.request('GET', '/ui')).headers.get('content-security-policy') ?? '';
    const directives = new Map(
      policy.split(';').map((directive) => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(policy).not.toContain('unsafe-eval');
  });

  it('serves the assets the page names for a year: their names change with their content', async () => {
    const page = await engine.request('GET', '/ui');
    for (const path of assetPaths(page.body)) {
      const asset = await fetch(`${engine.baseUrl}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(path).toMatch(/-[A-Za-z0-9]{8}\.(js|css|svg)$/);
    }
  });

  it('answers an unknown path under /ui with the JSON 404, and keeps the API behind its key', async () => {
    for (const path of ['/ui/assets/nothing.js', '/ui/index.html', '/ui/other', '/UI']) {
      const response = await engine.request('GET', path);
      expect({ path, status: response.status, error: response.body?.error }).toEqual({
        path,
        status: 404,
        error: 'NOT_FOUND',
      });
    }
    expect((await engine.request('GET', '/api/sagas')).status).toBe(401);
    const api = await engine.request('GET', '/api/whoami', undefined, { Authorization: 'Bearer admin-key' });
    const page = await engine.request('GET', '/ui');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('content-security-policy')).not.toBe(page.headers.get('content-security-policy'));
  });
});
