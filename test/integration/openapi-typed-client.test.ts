import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { buildOpenApiDocument } from '../../src/api/openapi/document';

const run = promisify(execFile);

/** A client of GET /api/sagas/{id} typed by the generated `paths`; `reading` is what it reads of the saga. */
function clientSource(reading: string): string {
  return `import type { paths } from './api';

type Saga = paths['/api/sagas/{id}']['get']['responses'][200]['content']['application/json'];
type Outcome = 'pending' | 'success' | 'failure' | 'timeout' | 'abandoned';

export async function firstOutcome(baseUrl: string, id: string): Promise<Outcome> {
  const response = await fetch(\`\${baseUrl}/api/sagas/\${encodeURIComponent(id)}\`);
  const saga = (await response.json()) as Saga;
  return ${reading};
}
`;
}

/** The TypeScript compiler's messages for `file` (strict, no output). */
function compile(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('a typed client generated from the OpenAPI document (openapi-typescript)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'saga-client-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(buildOpenApiDocument('0.0.0-test')));
    // The CLI, in a process of its own: the library's dependencies are ES modules, which Jest's require cannot load.
    const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    await run(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'api.ts')]);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function compileClient(name: string, reading: string): string[] {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, clientSource(reading));
    return compile(file);
  }

  it("compiles a client that reads a saga's first attempt outcome, typed as the outcome union", () => {
    expect(compileClient('reads-outcome', 'saga.steps[0].history[0].outcome')).toEqual([]);
  });

  it('refuses a property the document does not have, and a wrong type', () => {
    expect(compileClient('misspelt', 'saga.steps[0].history[0].outcom')).toEqual([
      expect.stringContaining("Property 'outcom' does not exist"),
    ]);
    expect(compileClient('wrong-type', 'saga.steps[0].history[0].attempt')).toEqual([
      expect.stringContaining("Type 'number' is not assignable to type 'Outcome'"),
    ]);
  });
});
