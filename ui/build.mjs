/**
 * Builds the operator page into dist/ui: index.html naming the bundles, and assets/ whose names carry a hash of
 * their content (the server keeps them for a year). Mermaid is split into chunks loaded only by a saga's page.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui');
const assets = join(out, 'assets');

await rm(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['ui/src/main.tsx'],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const [script, entry] = Object.entries(result.metafile.outputs).find(
  ([, output]) => output.entryPoint === 'ui/src/main.tsx',
);
const icon = await readFile(join(root, 'ui', 'favicon.svg'));
const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
await mkdir(assets, { recursive: true });
await writeFile(join(assets, iconName), icon);

const url = (file) => `/ui/${relative(out, join(root, file)).split('\\').join('/')}`;
const page = (await readFile(join(root, 'ui', 'index.html'), 'utf8'))
  .replace('{{script}}', url(script))
  .replace('{{style}}', url(entry.cssBundle))
  .replace('{{icon}}', `/ui/assets/${iconName}`);
await writeFile(join(out, 'index.html'), page);
