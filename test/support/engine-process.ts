import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface EngineProcessOptions {
  databaseUrl: string;
  amqpUrl: string;
  sagasDir: string;
  env?: Record<string, string>;
}

/** The production build of the engine as a child process: killed with real signals, restarted on demand. */
export class EngineProcess {
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> | null = null;
  readonly output: string[] = [];
  port = 0;

  constructor(
    readonly label: string,
    private readonly options: EngineProcessOptions,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the process and waits until it answers on /health (any status). */
  async start(): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: this.options.databaseUrl,
        AMQP_URL: this.options.amqpUrl,
        SAGAS_DIR: this.options.sagasDir,
        PORT: String(this.port),
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      `${this.label} to listen`,
      async () => {
        if (this.child !== child)
          throw new Error(`${this.label} exited: ${this.output.slice(-5).join('\n')}`);
        await fetch(`${this.baseUrl}/health`);
        return true;
      },
      30000,
      50,
    );
  }

  /** Sends the signal and waits for the process to end; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    if (child === null) return null;
    child.kill(signal);
    const code = await this.exit;
    this.child = null;
    return code;
  }

  async health(): Promise<{ status: number; body: unknown } | null> {
    try {
      const response = await fetch(`${this.baseUrl}/health`);
      return { status: response.status, body: await response.json() };
    } catch {
      return null;
    }
  }
}

/** A port nothing listens on now (the OS picked it, then it was closed again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
