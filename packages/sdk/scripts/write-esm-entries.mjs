/**
 * The ES-module entry points: per Node's "ES module wrapper" pattern, each re-exports the named exports of the
 * CommonJS build, so `import` and `require` share one instance of every class (an `instanceof BusinessError`
 * holds whichever way a handler loaded it). The names are read from the build itself, so they never drift.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);

/** ESM entry name → the CommonJS module it wraps (relative to dist/). */
const ENTRIES = { index: 'sdk/index.js', nestjs: 'sdk-nestjs/index.js', contracts: 'contracts/index.js' };

/** Leaves an unchanged file alone: a process loading the package meanwhile never reads a half-written one. */
function writeIfChanged(path, text) {
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}

mkdirSync(join(dist, 'esm'), { recursive: true });
for (const [entry, cjs] of Object.entries(ENTRIES)) {
  const names = Object.keys(require(join(dist, cjs))).filter(
    (name) => name !== '__esModule' && name !== 'default',
  );
  const header = '// Written by scripts/write-esm-entries.mjs from the CommonJS build.\n';
  writeIfChanged(
    join(dist, 'esm', `${entry}.mjs`),
    `${header}import cjs from '../${cjs}';\n\nexport const {\n${names.map((name) => `  ${name},\n`).join('')}} = cjs;\n`,
  );
  writeIfChanged(join(dist, 'esm', `${entry}.d.mts`), `${header}export * from '../${cjs}';\n`);
}
