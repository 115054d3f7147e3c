import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the page (`npm run build:ui`) before the tests open it, so they never test a stale build. */
export default function buildPage(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'ui', 'build.mjs')], { stdio: 'inherit' });
}
