import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/engine-process';
import { waitFor } from '../support/wait-for';

/**
 * A fresh build of the engine with no DATABASE_URL or AMQP_URL, in auto mode, with the ports it probes for
 * PostgreSQL and RabbitMQ closed to it (SAGAS_AUTO_PROBE): it runs embedded. Needs `npm run build` first.
 */
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const DEMO = join(ROOT, 'dist', 'src', 'demo', 'run-demo.js');
const EMBEDDED_LINE =
  'one process only — participants in other processes cannot connect, and commands in flight are lost if the ' +
  'process dies (the saga log is kept)';

interface Run {
  child: ChildProcess;
  output: string[];
  exit: Promise<number | null>;
}

function run(script: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString('utf8'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exit };
}

describe('embedded mode', () => {
  let dataDir: string;
  let closedPorts: string;

  beforeAll(async () => {
    closedPorts = `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`;
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sagas-data-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function startEngine(): Promise<{ engine: Run; baseUrl: string }> {
    const port = await freePort();
    const engine = run(MAIN, { SAGAS_AUTO_PROBE: closedPorts, SAGAS_DATA_DIR: dataDir, PORT: String(port) });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      'the embedded engine to listen',
      async () => {
        if (engine.child.exitCode !== null) throw new Error(`the engine exited: ${engine.output.join('')}`);
        return (await fetch(`${baseUrl}/health`)).status === 200;
      },
      60000,
      100,
    );
    return { engine, baseUrl };
  }

  async function stop(engine: Run): Promise<number | null> {
    engine.child.kill('SIGTERM');
    return engine.exit;
  }

  it('starts with no URL set and nothing on the probed ports, says so once, serves the example sagas, refuses a second process on its folder, and keeps its data across a restart', async () => {
    const first = await startEngine();
    const lines = first.engine.output.join('').split('\n');
    const embeddedLines = lines.filter((line) => line.includes('embedded mode:'));
    expect(embeddedLines).toHaveLength(1);
    expect(embeddedLines[0]).toContain(
      `PostgreSQL (PGlite) in ${dataDir}, in-process broker; ${EMBEDDED_LINE}`,
    );

    const definitions = (await (await fetch(`${first.baseUrl}/api/definitions`)).json()) as {
      items: Array<{ name: string }>;
    };
    expect(definitions.items.map((definition) => definition.name)).toEqual(
      expect.arrayContaining(['order-fulfillment', 'trip-booking']),
    );
    const second = run(MAIN, { SAGAS_AUTO_PROBE: closedPorts, SAGAS_DATA_DIR: dataDir, PORT: '0' });
    expect(await second.exit).toBe(1);
    expect(second.output.join('')).toContain(
      `SAGAS_DATA_DIR: ${dataDir} is in use by process ${first.engine.child.pid}`,
    );

    const started = await fetch(`${first.baseUrl}/api/sagas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'order-fulfillment', input: { orderId: 'kept-1', amount: 5 } }),
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    expect(await stop(first.engine)).toBe(0);

    const restarted = await startEngine();
    try {
      const saga = await fetch(`${restarted.baseUrl}/api/sagas/${id}`);
      expect(saga.status).toBe(200);
      expect(await saga.json()).toMatchObject({
        id,
        name: 'order-fulfillment',
        input: { orderId: 'kept-1' },
      });
    } finally {
      await stop(restarted.engine);
    }
  });

  it('runs the demo in-process: sagas complete, and one compensates', async () => {
    const demo = run(DEMO, { SAGAS_AUTO_PROBE: closedPorts, SAGAS_DATA_DIR: dataDir });
    const code = await demo.exit;
    const output = demo.output.join('');
    expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(output).toContain('embedded mode:');
    expect(output).toContain('All sagas ended as expected');
    expect(output).toContain('fail-3 COMPENSATED');
  });

  it('SAGAS_MODE=external with nothing at the URLs fails clearly, and never falls back', async () => {
    const [databasePort, brokerPort] = closedPorts.split(',').map((target) => target.split(':')[1]);
    const engine = run(MAIN, {
      SAGAS_MODE: 'external',
      SAGAS_AUTO_PROBE: closedPorts,
      SAGAS_DATA_DIR: dataDir,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${databasePort}/sagas`,
      AMQP_URL: `amqp://guest:guest@127.0.0.1:${brokerPort}`,
      PORT: String(await freePort()),
    });
    expect(await engine.exit).toBe(1);
    const output = engine.output.join('');
    expect(output).toContain('failed to start');
    expect(output).toContain('ECONNREFUSED');
    expect(output).not.toContain('embedded mode');
  });

  it('a bad SAGAS_MODE is a startup error naming the variable', async () => {
    const engine = run(MAIN, { SAGAS_MODE: 'local', SAGAS_DATA_DIR: dataDir, PORT: '0' });
    expect(await engine.exit).toBe(1);
    expect(engine.output.join('')).toContain('SAGAS_MODE: must be embedded, external or auto (got "local")');
  });
});
