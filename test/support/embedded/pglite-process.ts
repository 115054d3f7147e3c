import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { EmbeddedDatabase } from '../../../src/embedded/embedded-database';

const SCRIPT = join(__dirname, 'pglite-server.js');

/** PGlite in `dataDir`, served from a child process (pglite-server.js); resolves once it serves. */
export function startPgliteProcess(dataDir: string): Promise<EmbeddedDatabase> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    // Its standard input closes when this process ends, however it ends: the server then ends too.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const streams = [child.stdin, child.stdout, child.stderr] as unknown as Socket[];
  /** Once it serves, the server does not keep a test worker alive; while starting or stopping, it does. */
  const hold = (held: boolean) => {
    if (held) child.ref();
    else child.unref();
    for (const stream of streams) {
      if (held) stream.ref();
      else stream.unref();
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  let served = false;
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /^url (\S+)$/m.exec(output)?.[1];
      if (url === undefined || served) return;
      served = true;
      hold(false);
      resolve({
        url,
        async stop() {
          hold(true);
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`PGlite process exited (${String(code)}): ${output}`)));
  });
}
