import { runSaga } from '../../../src/cli/saga/run';
import { type FakeAnswer, type RecordedRequest, fakeCli } from './fake-api';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

describe('saga: requests and errors (against a fake API)', () => {
  it('sends the key as a bearer token, the filters as the API names them, and the body as JSON', async () => {
    const { context, requests } = fakeCli(() => ({ status: 200, body: { items: [], nextCursor: null } }), {
      SAGA_API_KEY: 'k-1',
    });

    const code = await runSaga(
      [
        'list',
        '--status',
        'RUNNING',
        '--status',
        'SUSPENDED',
        '--correlation-id',
        'order 1',
        '--failing-step',
        'ship',
      ],
      context,
    );

    expect(code).toBe(0);
    const [request] = requests;
    expect(request!.url.pathname).toBe('/api/sagas');
    expect(request!.url.searchParams.getAll('status')).toEqual(['RUNNING', 'SUSPENDED']);
    expect(request!.url.searchParams.get('correlationId')).toBe('order 1');
    expect(request!.url.searchParams.get('failingStep')).toBe('ship');
    expect(request!.url.searchParams.has('limit')).toBe(false);
    expect(request!.headers.authorization).toBe('Bearer k-1');
  });

  it('encodes ids and step names in the path, never splicing them in raw', async () => {
    const { context, requests } = fakeCli(() => ({ status: 202, body: { id: 'a/b', status: 'RUNNING' } }));

    await runSaga(['complete-compensation', 'a/b', '../x', '--reason', 'by hand'], context);

    expect(requests[0]!.url.pathname).toBe('/api/sagas/a%2Fb/steps/..%2Fx/compensation/complete');
    expect(requests[0]!.body).toEqual({ reason: 'by hand' });
  });

  it("writes the API's code, message and each detail to stderr and exits 1", async () => {
    const { context, out, err } = fakeCli(() => ({
      status: 400,
      body: {
        error: 'VALIDATION_FAILED',
        message: 'input does not match the schema of order-fulfillment',
        details: [
          { path: 'input.amount', message: 'must be > 0' },
          { path: 'input', message: "must have required property 'orderId'" },
        ],
      },
    }));

    const code = await runSaga(['start', 'order-fulfillment', '--input', '{"amount":-1}'], context);

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'VALIDATION_FAILED: input does not match the schema of order-fulfillment',
      '  input.amount: must be > 0',
      "  input: must have required property 'orderId'",
    ]);
  });

  it('hints at SAGA_API_KEY on a 401 only when no key is set', async () => {
    const unauthorized = (): FakeAnswer => ({
      status: 401,
      body: { error: 'UNAUTHORIZED', message: 'missing key' },
    });
    const withoutKey = fakeCli(unauthorized);
    const withKey = fakeCli(unauthorized, { SAGA_API_KEY: 'wrong' });

    expect(await runSaga(['definitions'], withoutKey.context)).toBe(1);
    expect(await runSaga(['definitions'], withKey.context)).toBe(1);

    expect(withoutKey.err).toEqual(['UNAUTHORIZED: missing key', 'set SAGA_API_KEY to an API key']);
    expect(withKey.err).toEqual(['UNAUTHORIZED: missing key']);
  });

  it('reports an error that is not the API’s (a proxy) by its status, and an answer of another shape', async () => {
    const proxy = fakeCli(() => ({ status: 502, text: '<html>Bad gateway</html>' }));
    expect(await runSaga(['describe', ID], proxy.context)).toBe(1);
    expect(proxy.err).toEqual(['HTTP_502: <html>Bad gateway</html>']);

    const other = fakeCli(() => ({ status: 200, body: { sagas: [] } }));
    expect(await runSaga(['list'], other.context)).toBe(1);
    expect(other.err).toEqual([
      'saga list: unexpected answer to GET /api/sagas: items: Invalid input: expected array, received undefined; nextCursor: Invalid input: expected string, received undefined',
    ]);
  });

  it('refuses a SAGA_URL that is not an http URL before sending anything', async () => {
    const { context, requests, err } = fakeCli(() => ({ status: 200 }), { SAGA_URL: 'localhost:3000' });

    expect(await runSaga(['list'], context)).toBe(1);
    expect(requests).toEqual([]);
    expect(err[0]).toBe('saga list: SAGA_URL: expected an http or https URL, got "localhost:3000"');
  });

  it('prints the usage for --help and help <command>, and exits 1 without a command', async () => {
    const help = fakeCli(() => ({ status: 500 }));
    expect(await runSaga(['abort', '--reason', 'x', '--help'], help.context)).toBe(0);
    expect(await runSaga(['help', 'watch'], help.context)).toBe(0);
    expect(help.out[0]).toBe('usage: saga abort <id> --reason <text> [--json]');
    expect(help.out).toContain('usage: saga watch <id> [--interval <ms>] [--json]');

    const none = fakeCli(() => ({ status: 500 }));
    expect(await runSaga([], none.context)).toBe(1);
    expect(none.err[0]).toBe('usage: saga <command> [arguments] [--json]');
  });
});

describe('saga watch (against a fake API)', () => {
  /** A saga that runs for `polls` reads of its status, then is `final`; its log grows by one entry a read. */
  function sagaEnding(final: string, polls: number) {
    let reads = 0;
    return (request: RecordedRequest): FakeAnswer => {
      if (request.url.pathname.endsWith('/events')) {
        const after = Number(request.url.searchParams.get('cursor') ?? 0);
        const items = Array.from({ length: reads - after }, (_, index) => ({
          seq: after + index + 1,
          type: 'CommandSent',
          at: '2026-01-01T10:00:00.000Z',
          step: 'ship',
          data: { type: 'Ship', attempt: after + index + 1 },
        }));
        return { status: 200, body: { items, nextCursor: null } };
      }
      reads++;
      const status = reads > polls ? final : 'RUNNING';
      return {
        status: 200,
        body: {
          id: ID,
          name: 'order',
          version: 1,
          status,
          correlationId: ID,
          failingStep: null,
          createdAt: '2026-01-01T10:00:00.000Z',
          updatedAt: '2026-01-01T10:00:00.000Z',
          rerunOf: null,
          reruns: [],
          input: {},
          deadlineAt: null,
          errors: [],
          suspension: null,
          steps: [],
        },
      };
    };
  }

  it.each([
    ['COMPLETED', 0],
    ['COMPENSATED', 2],
    ['COMPENSATION_FAILED', 3],
    ['SUSPENDED', 4],
  ])('prints each log entry once and exits by the final status: %s → %p', async (final, exitCode) => {
    const { context, out } = fakeCli(sagaEnding(final, 2));

    expect(await runSaga(['watch', ID], context)).toBe(exitCode);
    expect(out).toEqual([
      expect.stringMatching(/CommandSent\s+ship\s+Ship #1$/),
      expect.stringMatching(/CommandSent\s+ship\s+Ship #2$/),
      expect.stringMatching(/CommandSent\s+ship\s+Ship #3$/),
      `status: ${final}`,
    ]);
  });
});

describe('saga: answers printed for people (against a fake API)', () => {
  it('migrate of every saga of a version: how many moved, and each refusal with its reason', async () => {
    const { context, requests, out } = fakeCli(() => ({
      status: 200,
      body: {
        migrated: 2,
        refused: [
          {
            id: ID,
            reasons: [
              { path: 'steps.charge-payment', message: 'started step "charge-payment" has action "A"' },
            ],
          },
        ],
        dryRun: true,
      },
    }));

    const code = await runSaga(
      ['migrate', '--name', 'order', '--from', '1', '--to', '2', '--dry-run', '--reason', 'try'],
      context,
    );

    expect(code).toBe(0);
    expect(requests[0]!.body).toEqual({
      name: 'order',
      fromVersion: 1,
      toVersion: 2,
      dryRun: true,
      reason: 'try',
    });
    expect(out).toEqual([
      'would move 2 saga(s) of order from version 1 to 2',
      'would refuse 1:',
      'ID                                    PATH                  REASON',
      `${ID}  steps.charge-payment  started step "charge-payment" has action "A"`,
    ]);
  });

  it('migrate wants either a saga id or a name and version, not both', async () => {
    const { context, requests, err } = fakeCli(() => ({ status: 500 }));

    const code = await runSaga(['migrate', ID, '--name', 'order', '--to', '2', '--reason', 'x'], context);

    expect(code).toBe(1);
    expect(requests).toEqual([]);
    expect(err[0]).toBe('saga migrate: give either <id>, or --name and --from for every saga of a version');
  });

  it('dead-letters replay names where each message went again', async () => {
    const { context, requests, out } = fakeCli((request) => ({
      status: 202,
      body: {
        id: request.url.pathname.split('/')[3],
        replayedTo: {
          exchange: request.url.pathname.includes('/7/') ? '' : 'sagas.commands',
          routingKey: 'x',
        },
      },
    }));

    expect(await runSaga(['dead-letters', 'replay', '7', '8'], context)).toBe(0);

    expect(requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'POST /api/dead-letters/7/replay',
      'POST /api/dead-letters/8/replay',
    ]);
    expect(out).toEqual(['replayed 7 to queue x', 'replayed 8 to sagas.commands → x']);
  });
});
