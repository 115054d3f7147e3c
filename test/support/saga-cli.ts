import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built `saga` command (`bin` in package.json): the tests run it as a user would, after `npm run build`. */
export const SAGA_BIN = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'saga.js');

export interface SagaCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as lines, without the empty last one. */
  lines: string[];
}

export interface SagaCliOptions {
  /** The whole environment of the child (besides PATH): SAGA_URL, SAGA_API_KEY… */
  env: Record<string, string>;
  /** Written to its standard input, which is then closed. */
  stdin?: string;
}

export function assertSagaBinBuilt(): void {
  if (!existsSync(SAGA_BIN)) throw new Error(`${SAGA_BIN} is missing: run npm run build first`);
}

/** Runs `saga <args>` as a child process and resolves when it exits, with its exit code and output. */
export function runSagaCli(args: readonly string[], options: SagaCliOptions): Promise<SagaCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SAGA_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const out = Buffer.concat(stdout).toString('utf8');
      resolve({
        code,
        stdout: out,
        stderr: Buffer.concat(stderr).toString('utf8'),
        lines: out.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1),
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
