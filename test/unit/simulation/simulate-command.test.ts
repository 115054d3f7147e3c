import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCommand } from '../../../src/cli/simulate-command';
import { ORDER_FILE, fixture } from './simulation-fixtures';

const ORDER_INPUT_TEXT = '{"orderId":"o-1","amount":42.5}';

/** Runs the CLI in process: its exit code and the lines it wrote to stdout and stderr. */
function run(...argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = simulateCommand(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** The timeline `--json` prints for the order saga and the given arguments. */
function runSimulationOf(file: string, ...argv: string[]): { timeline: Array<{ detail: string }> } {
  const { out } = run(file, '--input', ORDER_INPUT_TEXT, ...argv, '--json');
  return JSON.parse(out.join('\n')) as { timeline: Array<{ detail: string }> };
}

describe('npm run simulate', () => {
  it('prints an aligned timeline and ends with the status line; exit code 0', () => {
    const { code, out, err } = run(
      ORDER_FILE,
      '--input',
      ORDER_INPUT_TEXT,
      '--fault',
      'reserve-inventory=timeout:1',
    );

    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.at(-1)).toBe('status: COMPLETED');
    expect(out).toContain('+10.000s  timeout  reserve-inventory  ReserveInventory #1: no reply within 10s');
    expect(out[0]).toBe(
      ' +0.000s  start                       order-fulfillment@1 with input {"orderId":"o-1","amount":42.5}',
    );
    const { timeline } = runSimulationOf(ORDER_FILE, '--fault', 'reserve-inventory=timeout:1');
    const detailColumns = out.slice(0, -1).map((line, index) => line.length - timeline[index]!.detail.length);
    expect(new Set(detailColumns).size).toBe(1);
  });

  it('prints { status, steps, timeline } with --json', () => {
    const { code, out } = run(
      ORDER_FILE,
      '--input',
      ORDER_INPUT_TEXT,
      '--fault',
      'schedule-shipment=fail',
      '--fault=charge-payment:comp=fail',
      '--json',
    );

    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const printed = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['status', 'steps', 'timeline']);
    expect(printed.status).toBe('COMPENSATION_FAILED');
    expect(printed.steps).toEqual([
      { name: 'reserve-inventory', status: 'SUCCEEDED', attempts: 1, error: null, compensation: null },
      {
        name: 'charge-payment',
        status: 'SUCCEEDED',
        attempts: 1,
        error: null,
        compensation: {
          status: 'FAILED',
          attempts: 1,
          error: { code: 'SIMULATED_FAILURE', message: 'fault "fail"', retryable: false },
        },
      },
      {
        name: 'schedule-shipment',
        status: 'FAILED',
        attempts: 1,
        error: { code: 'SIMULATED_FAILURE', message: 'fault "fail"', retryable: false },
        compensation: null,
      },
    ]);
    expect((printed.timeline as unknown[])[1]).toEqual({
      atMs: 0,
      at: '+0.000s',
      type: 'command',
      step: 'reserve-inventory',
      kind: 'action',
      attempt: 1,
      detail: 'ReserveInventory #1 to inventory',
    });
  });

  it('prints SUSPENDED as the status of a suspended saga', () => {
    const { code, out } = run(
      fixture('trip-booking.yaml'),
      '--input',
      '{"tripId":"t-1","needsHotel":true}',
      '--fault',
      'send-itinerary=fail',
    );

    expect(code).toBe(0);
    expect(out.at(-1)).toBe('status: SUSPENDED');
  });

  it('exits 1 naming every problem of an invalid file as file: path: message', () => {
    const file = fixture('broken.yaml');
    const { code, out, err } = run(file, '--input', '{}');

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([`${file}: steps.0.retyr: unknown field`]);
  });

  it('exits 1 on a file that is missing or not a definition file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'simulate-'));
    const text = join(folder, 'saga.txt');
    writeFileSync(text, 'name: x');

    expect(run(join(folder, 'missing.yaml'), '--input', '{}')).toMatchObject({
      code: 1,
      err: [expect.stringMatching(/missing\.yaml: cannot read file: .*ENOENT/)],
    });
    expect(run(text, '--input', '{}')).toMatchObject({
      code: 1,
      err: [`${text}: not a saga definition file (expected .yaml, .yml or .json)`],
    });
  });

  it('exits 1 on input that is not JSON, or fails the definition input schema', () => {
    expect(run(ORDER_FILE, '--input', '{orderId}')).toMatchObject({
      code: 1,
      err: [expect.stringMatching(/^--input: not valid JSON: /)],
    });
    expect(run(ORDER_FILE, '--input', '{"orderId":"o-1","amount":0}')).toEqual({
      code: 1,
      out: [],
      err: ['--input: input.amount: must be > 0'],
    });
  });

  it('exits 1 on a fault naming a step the saga does not have, or a fault it does not know', () => {
    const { code, out, err } = run(
      ORDER_FILE,
      '--input',
      ORDER_INPUT_TEXT,
      '--fault',
      'ship=fail',
      '--fault',
      'charge-payment=crash',
    );

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      '--fault "ship=fail": the saga has no step "ship" (its steps: reserve-inventory, charge-payment, schedule-shipment)',
      '--fault "charge-payment=crash": unknown fault "crash"; use fail, retry, retry:N, timeout or timeout:N',
    ]);
  });

  it('exits 1 with the usage on missing or unknown arguments', () => {
    const missing = run();
    expect(missing.code).toBe(1);
    expect(missing.err.slice(0, 2)).toEqual(['missing the saga definition file', "missing --input '<json>'"]);
    expect(missing.err[2]).toMatch(/^usage: npm run simulate -- <file>/);

    const unknown = run(ORDER_FILE, '--input', '{}', '--seed', '4');
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/Unknown option '--seed'/);
  });
});
