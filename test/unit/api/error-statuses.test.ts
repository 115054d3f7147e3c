import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every engine error code declared in src/ has an HTTP status: none falls through to 500 by omission. */
describe('HTTP status of every engine error code', () => {
  const source = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? source(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [readFileSync(join(dir, entry.name), 'utf8')]
          : [],
    );
  const files = source(join(__dirname, '../../../src'));
  const filter = readFileSync(join(__dirname, '../../../src/api/http-exception.filter.ts'), 'utf8');
  /** Codes of errors a request can run into; the start-up and invariant ones never reach a response on purpose. */
  const notHttp = new Set([
    'CONFIG_INVALID',
    'DEFINITIONS_INVALID',
    'DEFINITION_CONFLICT',
    'REPLY_AUTH_INCOMPLETE',
    'INVARIANT_BROKEN',
    'DATA_DIR_IN_USE',
  ]);

  it('maps each code to a status in the filter table', () => {
    const codes = new Set(
      files.flatMap((text) => [...text.matchAll(/readonly code = '([A-Z_]+)'/g)].map((m) => m[1]!)),
    );
    expect(codes.size).toBeGreaterThan(10);
    const missing = [...codes].filter(
      (code) => !notHttp.has(code) && !new RegExp(`\\b${code}:`).test(filter),
    );
    expect(missing).toEqual([]);
  });
});
