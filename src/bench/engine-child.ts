import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface EngineChild {
  process: ChildProcess;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The engine from the production build (dist/src/main.js), in a process of its own. With BENCH_CPU_PROFILE_DIR
 * set, it writes a V8 CPU profile there when it exits.
 */
export async function startEngineChild(env: Record<string, string>, port: number): Promise<EngineChild> {
  const main = join(__dirname, '..', 'main.js');
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profiling, main], {
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    // LOG_LEVEL=warn: only what went wrong is logged, on the bench's stderr, apart from its table on stdout.
    stdio: ['ignore', 2, 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited with code ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error('the engine did not become healthy within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    process: child,
    baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
