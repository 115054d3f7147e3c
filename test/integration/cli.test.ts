import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { stringify } from 'yaml';
import type { Command, JsonObject } from 'saga-orchestrator-sdk/contracts';
import { orderSagaDocument, orderSagaYaml } from '../support/order-saga';
import { type SagaCliResult, assertSagaBinBuilt, runSagaCli } from '../support/saga-cli';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const ADMIN_KEY = 'admin-key';
const READ_KEY = 'reader-key';
const adminFingerprint = createHash('sha256').update(ADMIN_KEY).digest('hex').slice(0, 8);
const SAGA_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * How the participants answer, by the order id's first word: `hold` gets no answer to its charge, `declined`
 * finds no carrier (the saga compensates), `stuck` also cannot be refunded (COMPENSATION_FAILED); the rest succeed.
 */
function answer(command: Command): ScriptedAnswer {
  const scenario = String(command.payload.orderId).split('-')[0];
  if (scenario === 'hold' && command.type === 'ChargePayment') return { outcome: 'no-reply' };
  if ((scenario === 'declined' || scenario === 'stuck') && command.type === 'ScheduleShipment') {
    return { outcome: 'failure', code: 'NO_CARRIER', message: 'no carrier today', retryable: false };
  }
  if (scenario === 'stuck' && command.type === 'RefundPayment') {
    return { outcome: 'failure', code: 'LEDGER_CLOSED', message: 'the ledger is closed', retryable: false };
  }
  return { outcome: 'success', output: { reservationId: 'r-1', paymentId: 'p-1', trackingId: 't-1' } };
}

/** The order saga, except that a shipment without a carrier suspends the saga instead of compensating. */
function orderHeldAtShippingYaml(): string {
  const document = orderSagaDocument({ name: 'order-held-at-shipping', stepTimeout: '60s' });
  const steps = document.steps as JsonObject[];
  steps[2] = { ...steps[2]!, onError: [{ codes: ['NO_CARRIER'], then: 'suspend' }] };
  return stringify(document);
}

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the saga command (built bin) against a running engine', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'saga-cli-'));

  beforeAll(async () => {
    assertSagaBinBuilt();
    engine = await startTestEngine({
      sagas: {
        'order.yaml': orderSagaYaml({ stepTimeout: '60s' }),
        'held.yaml': orderHeldAtShippingYaml(),
        'moving.yaml': orderSagaYaml({ name: 'order-moving', stepTimeout: '60s' }),
      },
      env: { API_KEYS: `${READ_KEY}:read,${ADMIN_KEY}:admin` },
    });
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) => new ScriptedParticipant(engine.amqpUrl, name, answer),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** `saga <args>` with SAGA_URL set to the engine and the admin key, unless `key` says otherwise (null: none). */
  function saga(
    args: string[],
    options: { key?: string | null; stdin?: string } = {},
  ): Promise<SagaCliResult> {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    return runSagaCli(args, {
      env: { SAGA_URL: engine.baseUrl, ...(key === null ? {} : { SAGA_API_KEY: key }) },
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
  }

  /** Starts an order saga through the CLI and returns its id. */
  async function startOrder(orderId: string, name = 'order-fulfillment'): Promise<string> {
    const started = await saga(['start', name, '--input', JSON.stringify({ orderId, amount: 7 }), '--json']);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    return (JSON.parse(started.stdout) as { id: string }).id;
  }

  /** `saga watch` until the saga ends (or suspends): its exit code tells how. */
  const watch = (id: string, ...args: string[]) => saga(['watch', id, '--interval', '50', ...args]);

  const chargeSent = (id: string) =>
    waitFor(`the charge of ${id}`, () =>
      participants[1]!.commands({ sagaId: id, type: 'ChargePayment' }).at(0),
    );

  describe('start', () => {
    it('starts a saga from JSON on the command line and prints its id, name, version and status', async () => {
      const result = await saga([
        'start',
        'order-fulfillment',
        '--input',
        '{"orderId":"ok-1","amount":12.5}',
      ]);

      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatch(
        new RegExp(`^started ${SAGA_ID.source} \\(order-fulfillment v1, RUNNING\\)$`),
      );
    });

    it('reads the input from @file and @- (standard input); the same idempotency key answers the same saga', async () => {
      const file = join(scratch, 'input.json');
      writeFileSync(file, JSON.stringify({ orderId: 'ok-file', amount: 3 }));
      const first = await saga([
        'start',
        'order-fulfillment',
        '--input',
        `@${file}`,
        '--idempotency-key',
        'k-1',
        '--json',
      ]);
      expect(first.code).toBe(0);
      const created = JSON.parse(first.stdout) as { id: string };
      expect(created).toEqual({
        id: expect.stringMatching(SAGA_ID),
        name: 'order-fulfillment',
        version: 1,
        status: 'RUNNING',
      });

      const again = await saga(['start', 'order-fulfillment', '--input', '@-', '--idempotency-key', 'k-1'], {
        stdin: JSON.stringify({ orderId: 'ok-file', amount: 3 }),
      });
      expect(again.code).toBe(0);
      expect(again.lines[0]).toMatch(
        new RegExp(`^already started with this key: ${created.id} \\(order-fulfillment v1, `),
      );

      const { body } = await engine.request('GET', `/api/sagas/${created.id}`, undefined, {
        authorization: `Bearer ${ADMIN_KEY}`,
      });
      expect(body.input).toEqual({ orderId: 'ok-file', amount: 3 });
    });

    it("exits 1 with the API's code, message and each detail on stderr when the input fails the schema", async () => {
      const result = await saga(['start', 'order-fulfillment', '--input', '{"orderId":"bad-1","amount":-1}']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^VALIDATION_FAILED: /);
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}input\.amount: /));
    });

    it('exits 1 on an unknown saga name, on input that is not JSON and on a missing --input', async () => {
      const unknown = await saga(['start', 'no-such-saga', '--input', '{}']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^DEFINITION_NOT_FOUND: .*no-such-saga/);

      const notJson = await saga(['start', 'order-fulfillment', '--input', '{orderId']);
      expect(notJson.code).toBe(1);
      expect(notJson.stderr).toMatch(/^saga start: --input: not valid JSON: /);

      const missing = await saga(['start', 'order-fulfillment']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('saga start: missing --input');
      expect(missing.stderr).toContain("run 'saga start --help' for its arguments");
    });
  });

  describe('watch', () => {
    it('prints the log as it is written and exits 0 for COMPLETED', async () => {
      const id = await startOrder('ok-watch');

      const result = await watch(id);

      expect(result.code).toBe(0);
      expect(result.lines.at(-1)).toBe('status: COMPLETED');
      expect(result.lines[0]).toMatch(/^\S+Z {2}SagaStarted\s/);
      expect(result.stdout).toMatch(/CommandSent\s+reserve-inventory\s+ReserveInventory #1/);
      expect(result.stdout).toMatch(/SagaCompleted/);
    });

    it('exits 2 for COMPENSATED and 3 for COMPENSATION_FAILED, naming the errors on the way', async () => {
      const compensated = await watch(await startOrder('declined-watch'));
      expect(compensated.code).toBe(2);
      expect(compensated.lines.at(-1)).toBe('status: COMPENSATED');
      expect(compensated.stdout).toMatch(
        /StepFailed\s+schedule-shipment\s+attempt 1; NO_CARRIER: no carrier today/,
      );

      const failed = await watch(await startOrder('stuck-watch'));
      expect(failed.code).toBe(3);
      expect(failed.lines.at(-1)).toBe('status: COMPENSATION_FAILED');
      expect(failed.stdout).toContain('LEDGER_CLOSED: the ledger is closed');
    });

    it('exits 4 for SUSPENDED, and with --json prints only the final saga', async () => {
      const id = await startOrder('declined-held', 'order-held-at-shipping');

      const result = await watch(id, '--json');

      expect(result.code).toBe(4);
      const final = JSON.parse(result.stdout) as { id: string; status: string; suspension: { step: string } };
      expect(final).toMatchObject({ id, status: 'SUSPENDED', suspension: { step: 'schedule-shipment' } });
    });
  });

  describe('list', () => {
    it('filters by status, name and correlation id; a table for people, the API answer with --json', async () => {
      const completed = await startOrder('ok-list');
      const compensated = await startOrder('declined-list');
      await watch(completed);
      await watch(compensated);
      const correlated = await saga([
        'start',
        'order-fulfillment',
        '--input',
        '{"orderId":"ok-correlated","amount":1}',
        '--correlation-id',
        'order-4711',
        '--json',
      ]);
      const correlatedId = (JSON.parse(correlated.stdout) as { id: string }).id;

      const table = await saga(['list', '--status', 'COMPENSATED', '--name', 'order-fulfillment']);
      expect(table.code).toBe(0);
      expect(table.lines[0]).toMatch(/^ID\s+NAME\s+VERSION\s+STATUS\s+FAILING STEP\s+CREATED\s+UPDATED$/);
      const row = table.lines.find((line) => line.startsWith(compensated));
      expect(row).toMatch(/^\S+ {2}order-fulfillment\s+1 {2}COMPENSATED\s+schedule-shipment\s+\S+Z {2}\S+Z$/);
      expect(table.stdout).not.toContain(completed);

      const json = await saga(['list', '--status', 'COMPLETED,COMPENSATED', '--json']);
      const page = JSON.parse(json.stdout) as {
        items: Array<{ id: string; status: string }>;
        nextCursor: null;
      };
      expect(page.items.map((saga) => saga.id)).toEqual(expect.arrayContaining([completed, compensated]));
      expect(new Set(page.items.map((saga) => saga.status))).toEqual(new Set(['COMPLETED', 'COMPENSATED']));

      const byCorrelation = await saga(['list', '--correlation-id', 'order-4711', '--json']);
      expect((JSON.parse(byCorrelation.stdout) as { items: Array<{ id: string }> }).items).toEqual([
        expect.objectContaining({ id: correlatedId, correlationId: 'order-4711' }),
      ]);
    });

    it('pages with --limit and --cursor, and --all reads every page', async () => {
      const everything = JSON.parse((await saga(['list', '--json', '--limit', '500'])).stdout) as {
        items: Array<{ id: string }>;
      };
      expect(everything.items.length).toBeGreaterThan(2);

      const first = await saga(['list', '--limit', '1']);
      expect(first.lines).toHaveLength(3);
      const cursor = /^next page: --cursor (\S+)$/.exec(first.lines[2]!)?.[1];
      expect(cursor).toBeDefined();
      const second = await saga(['list', '--limit', '1', '--cursor', cursor!, '--json']);
      expect((JSON.parse(second.stdout) as { items: Array<{ id: string }> }).items[0]!.id).toBe(
        everything.items[1]!.id,
      );

      const all = await saga(['list', '--all', '--limit', '1', '--json']);
      const allItems = (JSON.parse(all.stdout) as { items: Array<{ id: string }> }).items;
      expect(allItems.map((saga) => saga.id).slice(0, everything.items.length)).toEqual(
        everything.items.map((saga) => saga.id),
      );
    });

    it('exits 1 with the details for an unknown status', async () => {
      const result = await saga(['list', '--status', 'DONE']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^VALIDATION_FAILED: .*\n {2}status: must be one of RUNNING, /);
    });
  });

  describe('describe', () => {
    it('prints the header, the steps and a timeline of every attempt and compensation of a compensated saga', async () => {
      const id = await startOrder('declined-describe');
      expect((await watch(id)).code).toBe(2);

      const result = await saga(['describe', id]);

      expect(result.code).toBe(0);
      const lines = result.lines;
      expect(lines.slice(0, 3)).toEqual([
        `saga:            ${id}`,
        'name:            order-fulfillment v1',
        'status:          COMPENSATED',
      ]);
      expect(lines).toContain('failing step:    schedule-shipment');
      expect(lines).toContain('input:           {"amount":7,"orderId":"declined-describe"}');
      const timeline = lines.slice(lines.indexOf('timeline:') + 1);
      expect(timeline[0]).toMatch(/^START\s+STEP\s+WHAT\s+DURATION\s+OUTCOME\s+ERROR$/);
      const rows = timeline.slice(1).map((line) => line.split(/\s{2,}/));
      expect(rows.map(([, step, what, , outcome]) => [step, what, outcome])).toEqual([
        ['reserve-inventory', 'action #1', 'success'],
        ['charge-payment', 'action #1', 'success'],
        ['schedule-shipment', 'action #1', 'failure'],
        ['charge-payment', 'compensation #1', 'success'],
        ['reserve-inventory', 'compensation #1', 'success'],
      ]);
      expect(rows[2]!.at(-1)).toBe('NO_CARRIER: no carrier today');
      expect(rows[0]![3]).toMatch(/^\d+ms$|^\d+\.\d{3}s$/);
      expect(lines).not.toContain('operator actions:');
    });

    it('lists the operator actions from the log with their reason and actor; --json gives the saga and its log', async () => {
      const id = await startOrder('hold-describe');
      await chargeSent(id);
      expect((await saga(['abort', id, '--reason', 'customer cancelled'])).code).toBe(0);
      expect((await watch(id)).code).toBe(2);

      const result = await saga(['describe', id]);
      const actions = result.lines.slice(result.lines.indexOf('operator actions:') + 1);
      expect(actions[0]).toMatch(/^AT\s+ACTION\s+STEP\s+REASON\s+ACTOR$/);
      expect(actions[1]).toMatch(
        new RegExp(`^\\S+Z {2}SagaAborted {2}\\s+customer cancelled {2}key ${adminFingerprint}$`),
      );
      expect(result.stdout).toMatch(/charge-payment\s+action #1\s+\S*\s+abandoned/);

      const json = JSON.parse((await saga(['describe', id, '--json'])).stdout) as {
        saga: { id: string; status: string };
        events: Array<{ type: string; data: JsonObject }>;
      };
      expect(json.saga).toMatchObject({ id, status: 'COMPENSATED' });
      expect(json.events.find((event) => event.type === 'SagaAborted')?.data).toEqual({
        reason: 'customer cancelled',
        actor: adminFingerprint,
      });
    });

    it('exits 1 with SAGA_NOT_FOUND for an unknown id', async () => {
      const result = await saga(['describe', '00000000-0000-4000-8000-000000000000']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^SAGA_NOT_FOUND: /);
    });
  });

  describe('operator actions', () => {
    it('retry resumes a COMPENSATION_FAILED saga; the log keeps the reason', async () => {
      const id = await startOrder('stuck-retry');
      expect((await watch(id)).code).toBe(3);

      const retried = await saga(['retry', id, '--reason', 'ledger reopened']);

      expect(retried).toMatchObject({ code: 0, stdout: `retried ${id}: COMPENSATING\n`, stderr: '' });
      expect((await watch(id)).code).toBe(3);
      expect((await saga(['describe', id])).stdout).toMatch(/SagaRetried\s+charge-payment\s+ledger reopened/);
    });

    it('abort compensates a running saga, needs a reason, and says when it was already in effect', async () => {
      const id = await startOrder('hold-abort');
      await chargeSent(id);

      const noReason = await saga(['abort', id]);
      expect(noReason.code).toBe(1);
      expect(noReason.stderr).toContain('saga abort: missing --reason');

      const aborted = await saga(['abort', id, '--reason', 'duplicate order', '--json']);
      expect(aborted.code).toBe(0);
      expect(JSON.parse(aborted.stdout)).toEqual({ id, status: 'COMPENSATING' });
      expect((await watch(id)).code).toBe(2);

      const again = await saga(['abort', id, '--reason', 'again']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^SAGA_STATUS_CONFLICT: .*COMPENSATED/);
    });

    it('complete-step takes a step as done with the output given; the saga completes', async () => {
      const id = await startOrder('hold-complete');
      await chargeSent(id);
      const output = join(scratch, 'output.json');
      writeFileSync(output, JSON.stringify({ paymentId: 'paid-in-cash' }));

      const done = await saga([
        'complete-step',
        id,
        'charge-payment',
        '--output',
        `@${output}`,
        '--reason',
        'paid at the counter',
      ]);

      expect(done).toMatchObject({ code: 0, stdout: `completed charge-payment of ${id}: RUNNING\n` });
      expect((await watch(id)).code).toBe(0);
      const shipment = participants[2]!.commands({ sagaId: id, type: 'ScheduleShipment' })[0]!;
      expect(shipment.payload.label).toContain('paid-in-cash');
    });

    it('complete-compensation takes a failed compensation as done; the saga ends COMPENSATED', async () => {
      const id = await startOrder('stuck-complete');
      expect((await watch(id)).code).toBe(3);

      const done = await saga([
        'complete-compensation',
        id,
        'charge-payment',
        '--reason',
        'refunded by hand',
      ]);

      expect(done.code).toBe(0);
      expect(done.stdout).toBe(`completed the compensation of charge-payment of ${id}: COMPENSATING\n`);
      expect((await watch(id)).code).toBe(2);
    });

    it('rerun starts an ended saga again with new input; the new saga names the old one', async () => {
      const id = await startOrder('declined-rerun');
      expect((await watch(id)).code).toBe(2);

      const rerun = await saga([
        'rerun',
        id,
        '--input',
        '{"orderId":"ok-rerun","amount":7}',
        '--reason',
        'carrier found',
      ]);

      expect(rerun.code).toBe(0);
      const newId = new RegExp(
        `^started (${SAGA_ID.source}) \\(order-fulfillment v1, RUNNING\\) as a rerun of ${id}$`,
      ).exec(rerun.lines[0]!)?.[1];
      expect(newId).toBeDefined();
      expect((await watch(newId!)).code).toBe(0);
      expect((await saga(['describe', newId!])).lines).toContain(`rerun of:        ${id}`);
    });

    it('reload reads the definitions folder again; migrate moves a running saga to the new version', async () => {
      const id = await startOrder('hold-migrate', 'order-moving');
      await chargeSent(id);
      // A deploy: the file changes and its version goes up.
      writeFileSync(
        join(engine.sagasDir, 'moving.yaml'),
        orderSagaYaml({ name: 'order-moving', version: 2, stepTimeout: '60s', description: 'version 2' }),
      );

      const reloaded = await saga(['reload']);
      expect(reloaded.code).toBe(0);
      expect(reloaded.lines[0]).toBe('reloaded');
      expect(reloaded.lines).toContainEqual(expect.stringMatching(/^order-moving\s+2 {2}1, 2\s+version 2$/));

      const dryRun = await saga([
        'migrate',
        '--name',
        'order-moving',
        '--from',
        '1',
        '--to',
        '2',
        '--dry-run',
        '--reason',
        'try',
      ]);
      expect(dryRun).toMatchObject({
        code: 0,
        stdout: 'would move 1 saga(s) of order-moving from version 1 to 2\n',
      });

      const moved = await saga(['migrate', id, '--to', '2', '--reason', 'new version']);
      expect(moved).toMatchObject({ code: 0, stdout: `moved ${id} to version 2: RUNNING\n` });
      const again = await saga(['migrate', id, '--to', '2', '--reason', 'new version']);
      expect(again.stdout).toBe(`already on version 2: ${id} is RUNNING\n`);
    });
  });

  describe('definitions', () => {
    it('graph prints the Mermaid flowchart; an unknown version is an API error', async () => {
      const graph = await saga(['graph', 'order-fulfillment']);
      expect(graph.code).toBe(0);
      expect(graph.lines[0]).toBe('flowchart LR');
      expect(graph.stdout).toContain('ReserveInventory');

      const json = JSON.parse((await saga(['graph', 'order-fulfillment', '--json'])).stdout) as JsonObject;
      expect(json).toMatchObject({ name: 'order-fulfillment', version: 1, format: 'mermaid' });

      const missing = await saga(['graph', 'order-fulfillment', '--version', '9']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^VALIDATION_FAILED: saga "order-fulfillment" has no version 9\n {2}version: /,
      );
    });

    it('definitions lists every loaded definition with its versions', async () => {
      const result = await saga(['definitions'], { key: READ_KEY });
      expect(result.code).toBe(0);
      expect(result.lines[0]).toMatch(/^NAME\s+CURRENT\s+VERSIONS\s+DESCRIPTION$/);
      expect(result.lines).toContainEqual(
        expect.stringMatching(/^order-fulfillment\s+1 {2}1\s+Place an order/),
      );
    });
  });

  describe('dead-letters', () => {
    it('lists messages nobody could process with their reason, shows one whole, and deletes it', async () => {
      const connection = await connect(engine.amqpUrl);
      try {
        const channel = await connection.createChannel();
        channel.sendToQueue('sagas.replies', Buffer.from('not json at all'), { persistent: true });
        await channel.close();
      } finally {
        await connection.close();
      }
      const letter = await waitFor('the dead letter', async () => {
        const { body } = await engine.request('GET', '/api/dead-letters', undefined, {
          authorization: `Bearer ${READ_KEY}`,
        });
        return (body.items as Array<{ id: string; content: string }>).find(
          (item) => item.content === 'not json at all',
        );
      });

      const table = await saga(['dead-letters'], { key: READ_KEY });
      expect(table.code).toBe(0);
      const listed = JSON.parse((await saga(['dead-letters', '--json'], { key: READ_KEY })).stdout) as {
        items: Array<{ id: string }>;
      };
      expect(listed.items.map((item) => item.id)).toContain(letter.id);
      expect(table.lines[0]).toMatch(/^\s*ID\s+RECEIVED\s+SENT TO\s+BYTES\s+REASON$/);
      expect(table.lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^\\s*${letter.id} {2}\\S+Z {2}queue sagas\\.replies\\s+15 {2}reply is not valid JSON`),
        ),
      );

      const shown = await saga(['dead-letters', 'show', letter.id], { key: READ_KEY });
      expect(shown.lines.at(-1)).toBe('not json at all');

      const byReader = await saga(['dead-letters', 'delete', letter.id], { key: READ_KEY });
      expect(byReader.code).toBe(1);
      expect(byReader.stderr).toMatch(/^FORBIDDEN: /);
      const deleted = await saga(['dead-letters', 'delete', letter.id]);
      expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${letter.id}\n` });
      expect((await saga(['dead-letters', 'show', letter.id])).stderr).toMatch(/^DEAD_LETTER_NOT_FOUND: /);
    });
  });

  describe('API keys', () => {
    it('without a key: exit 1, UNAUTHORIZED on stderr and a hint to set SAGA_API_KEY', async () => {
      const result = await saga(['list'], { key: null });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')).toEqual([
        expect.stringMatching(/^UNAUTHORIZED: /),
        'set SAGA_API_KEY to an API key',
        '',
      ]);
    });

    it('with a wrong key: UNAUTHORIZED; a read key may list but not start', async () => {
      const wrong = await saga(['list'], { key: 'not-a-key' });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^UNAUTHORIZED: /);
      expect(wrong.stderr).not.toContain('SAGA_API_KEY');

      expect((await saga(['list', '--limit', '1'], { key: READ_KEY })).code).toBe(0);
      const start = await saga(['start', 'order-fulfillment', '--input', '{"orderId":"ok-r","amount":1}'], {
        key: READ_KEY,
      });
      expect(start.code).toBe(1);
      expect(start.stderr).toMatch(/^FORBIDDEN: /);
    });
  });

  describe('without the engine', () => {
    it('validate checks a definitions folder alone, exit 1 naming each problem', async () => {
      const valid = await saga(['validate', engine.sagasDir]);
      expect(valid.code).toBe(0);
      expect(valid.stdout).toMatch(/^\d definition\(s\) valid: .*order-fulfillment@1/);

      const folder = mkdtempSync(join(scratch, 'definitions-'));
      writeFileSync(join(folder, 'broken.yaml'), 'name: broken\nversion: 1\nsteps: []\nextra: 1\n');
      const invalid = await saga(['validate', folder]);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain('broken.yaml: ');
    });

    it('simulate runs a definition file on a virtual clock', async () => {
      const result = await saga([
        'simulate',
        join(engine.sagasDir, 'order.yaml'),
        '--input',
        '{"orderId":"o-1","amount":2}',
        '--fault',
        'schedule-shipment=fail',
      ]);
      expect(result.code).toBe(0);
      expect(result.lines.at(-1)).toBe('status: COMPENSATED');
    });

    it('an engine that does not answer: exit 1 naming the address', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const result = await runSagaCli(['list'], { env: { SAGA_URL: url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`saga list: cannot reach the engine at ${url}: ECONNREFUSED\n`);
    });

    it('--help lists the commands; <command> --help its arguments; an unknown command exits 1', async () => {
      const help = await runSagaCli(['--help'], { env: {} });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('SAGA_URL');
      expect(help.lines).toContainEqual(expect.stringMatching(/^ {2}dead-letters\s+/));

      const startHelp = await runSagaCli(['start', '--help'], { env: {} });
      expect(startHelp.code).toBe(0);
      expect(startHelp.lines[0]).toMatch(/^usage: saga start <name> --input <json\|@file>/);

      const unknown = await runSagaCli(['launch'], { env: {} });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('saga: unknown command "launch"');
    });
  });
});
