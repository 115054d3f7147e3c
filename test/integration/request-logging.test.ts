import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { orderSagaYaml } from '../support/order-saga';
import { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps every line an engine process logs. */
function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void lines.push({ level, message, fields });
  return {
    lines,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    debug: record('debug'),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('access log, request ids, Nest logs and health probes', () => {
  let engine: TestEngine;
  const log = recordingLogger();

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order.yaml': orderSagaYaml({ stepTimeout: '60s' }) },
      env: { MAX_BODY_BYTES: '1024' },
      logger: log,
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  /** The access log lines of one request, once its response is done. */
  const accessLinesOf = (requestId: string) =>
    waitFor(`the access log line of ${requestId}`, () => {
      const lines = log.lines.filter(
        (line) => line.message === 'request' && line.fields.requestId === requestId,
      );
      return lines.length > 0 ? lines : undefined;
    });

  it('logs one line per request with method, route pattern, status, duration and the caller’s request id', async () => {
    const response = await engine.request('GET', `/api/sagas/${randomUUID()}`, undefined, {
      'x-request-id': 'trace-me-1',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('trace-me-1');

    const lines = await accessLinesOf('trace-me-1');
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'request',
        fields: {
          method: 'GET',
          route: '/api/sagas/:id',
          status: 404,
          durationMs: expect.any(Number),
          requestId: 'trace-me-1',
        },
      },
    ]);
    expect(lines[0]!.fields.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('makes a request id when none is sent, or when the one sent is not printable ASCII of at most 200 characters', async () => {
    const sent: Array<Record<string, string>> = [
      {},
      { 'x-request-id': '' },
      { 'x-request-id': 'x'.repeat(201) },
    ];
    for (const headers of sent) {
      const response = await engine.request('GET', '/health/live', undefined, headers);
      const made = response.headers.get('x-request-id');
      expect(made).toMatch(UUID);
      expect(await accessLinesOf(made!)).toEqual([
        expect.objectContaining({ fields: expect.objectContaining({ route: '/health/live', status: 200 }) }),
      ]);
    }
  });

  it('logs requests no route answered: an unknown path, a body over MAX_BODY_BYTES', async () => {
    const unknown = await engine.request('GET', '/no/such/route', undefined, { 'x-request-id': 'unrouted' });
    expect(unknown.status).toBe(404);
    expect((await accessLinesOf('unrouted'))[0]!.fields).toMatchObject({ route: null, status: 404 });

    const large = await engine.request(
      'POST',
      '/api/sagas',
      { pad: 'x'.repeat(2000) },
      { 'x-request-id': 'large' },
    );
    expect(large.status).toBe(413);
    expect(large.headers.get('x-request-id')).toBe('large');
    expect((await accessLinesOf('large'))[0]!.fields).toMatchObject({
      method: 'POST',
      route: null,
      status: 413,
    });
  });

  it('keeps a start’s causation id as the caller sent it: the request id made for the log is not passed on', async () => {
    const start = (headers: Record<string, string>) =>
      engine.request(
        'POST',
        '/api/sagas',
        { name: 'order-fulfillment', input: { orderId: 'o', amount: 1 } },
        headers,
      );
    const inventory = new ScriptedParticipant(engine.amqpUrl, 'inventory', () => ({ outcome: 'no-reply' }));
    await inventory.start();
    try {
      const sent = await start({ 'x-request-id': 'caller-request' });
      const unnamed = await start({});
      const firstCommand = (sagaId: string) =>
        waitFor(`the first command of ${sagaId}`, () => inventory.commands({ sagaId }).at(0));

      expect((await firstCommand(sent.body.id)).causation_id).toBe('caller-request');
      expect(unnamed.headers.get('x-request-id')).toMatch(UUID);
      expect((await firstCommand(unnamed.body.id)).causation_id).toBe(unnamed.body.id);
    } finally {
      await inventory.stop();
    }
  });

  it('logs a 500 with its stack, the request id and the route; the body says only "internal error"', async () => {
    const sql = new Client({ connectionString: engine.database.url });
    await sql.connect();
    try {
      await sql.query('ALTER TABLE dead_letters RENAME TO dead_letters_away');
      const response = await engine.request('GET', '/api/dead-letters', undefined, {
        'x-request-id': 'broken',
      });
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: 'INTERNAL', message: 'internal error' });
    } finally {
      await sql.query('ALTER TABLE dead_letters_away RENAME TO dead_letters');
      await sql.end();
    }
    const logged = log.lines.find((line) => line.level === 'error' && line.fields.requestId === 'broken');
    expect(logged).toMatchObject({
      message: 'unhandled error in request',
      fields: {
        method: 'GET',
        route: '/api/dead-letters',
        error: expect.stringContaining('dead_letters'),
        stack: expect.stringMatching(/\n\s+at /),
      },
    });
    expect((await accessLinesOf('broken'))[0]!.fields.status).toBe(500);
  });

  it("logs Nest's own lines through the same logger, with Nest's context", () => {
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'Nest application successfully started',
      fields: { context: 'NestApplication' },
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'Mapped {/health/ready, GET} route',
        fields: { context: 'RouterExplorer' },
      }),
    );
  });

  it('answers /health/live while the broker is gone, and /health/ready names the check that failed', async () => {
    const vhost = decodeURIComponent(new URL(engine.amqpUrl).pathname.slice(1));
    expect((await engine.request('GET', '/health/ready')).status).toBe(200);
    await run('rabbitmqctl', ['delete_vhost', vhost]);
    try {
      const ready = await waitFor('/health/ready to answer 503', async () => {
        const response = await engine.request('GET', '/health/ready');
        return response.status === 503 ? response : undefined;
      });
      expect(ready.body).toEqual({ status: 'unavailable', checks: { postgres: 'up', rabbitmq: 'down' } });
      expect((await engine.request('GET', '/health')).body).toEqual(ready.body);
      const live = await engine.request('GET', '/health/live');
      expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    } finally {
      await run('rabbitmqctl', ['add_vhost', vhost]);
      await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    }
    await waitFor('/health/ready to answer 200 again', async () =>
      (await engine.request('GET', '/health/ready')).status === 200 ? true : undefined,
    );
  });
});
