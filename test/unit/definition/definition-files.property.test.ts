import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadDefinitionFiles } from '../../../src/definitions/definition-files';
import { definitionFolder, removeDefinitionFolders } from './definition-folder';

afterAll(removeDefinitionFolders);

const YAML_FILE = 'value.yaml';
const JSON_FILE = 'value.json';
const FILES = [YAML_FILE, JSON_FILE];
const dir = definitionFolder({});

/** Writes a `.yaml` and a `.json` file (the same content unless told) and checks what loading them gives. */
function loadsWithoutThrowing(content: string | Uint8Array, jsonContent = content): void {
  writeFileSync(join(dir, YAML_FILE), content);
  writeFileSync(join(dir, JSON_FILE), jsonContent);
  const { definitions, problems } = loadDefinitionFiles(dir);
  for (const problem of problems) {
    expect(FILES.some((file) => problem.startsWith(`${file}: `))).toBe(true);
    // The loader's last resort for a throw it did not foresee: no content may reach it.
    expect(problem).not.toMatch(/^[^:]+: could not be checked: /);
  }
  for (const file of FILES) {
    const loaded = definitions.some((definition) => definition.file === file);
    const reported = problems.some((problem) => problem.startsWith(`${file}: `));
    expect(loaded).not.toBe(reported);
  }
}

/** Fragments YAML is made of, so that arbitrary text often gets past the first character. */
const yamlText = fc
  .array(
    fc.constantFrom(
      ...['a', '1', ' ', '  ', '\n', '\t', '\r\n', ':', '- ', '? ', ',', '[', ']', '{', '}', '"', "'", '#'],
      ...['&x ', '&x [', '&x {a: ', '*x', '!!str ', '!x ', '|', '>', '---\n', '...\n', '%YAML 1.1\n'],
      ...['\\', '${', 'é', '\0'],
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Flow YAML in a mapping, with anchors and aliases anywhere: aliases may repeat, deepen or hold themselves. */
const { yamlNode } = fc.letrec((tie) => ({
  yamlNode: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('1', 'a', '"${input.id}"', '*x', '*y'),
    fc.array(tie('yamlNode'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '1'), tie('yamlNode')), { maxLength: 3 })
      .map((entries) => `{${entries.map(([key, value]) => `${key}: ${value}`).join(', ')}}`),
    fc.tuple(fc.constantFrom('&x ', '&y '), tie('yamlNode')).map(([anchor, value]) => `${anchor}${value}`),
  ),
}));
const yamlWithAliases = fc
  .tuple(yamlNode, yamlNode)
  .map(([first, second]) => `{name: a, version: 1, steps: [{payload: ${first}}], x: ${second}}`);

const anything = fc.jsonValue({ maxDepth: 4 });
const name = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,8}$/), anything);
const step = fc.record(
  {
    name,
    participant: name,
    action: fc.oneof(fc.constant('Do'), anything),
    compensation: fc.oneof(fc.constant('Undo'), anything),
    timeout: fc.oneof(fc.constantFrom('10s', '1.5m', '720h', '721h', 0, 5), anything),
    retry: fc.oneof(
      fc.record({ attempts: fc.integer(), backoff: fc.constantFrom('1s', '0ms', 'x') }),
      anything,
    ),
    payload: fc.oneof(
      fc.dictionary(fc.string(), fc.constantFrom('${input.id}', '${steps.a.output}', 'x')),
      anything,
    ),
  },
  { requiredKeys: [] },
);
/**
 * Mostly the shape of a definition, with any value in any field. No `input`: checking a JSON Schema takes ajv tens
 * of milliseconds, and the schema is ajv's to judge.
 */
const definitionLike = fc.record(
  {
    name,
    version: fc.oneof(fc.integer(), anything),
    description: anything,
    timeout: anything,
    steps: fc.oneof(fc.array(step, { maxLength: 4 }), anything),
  },
  { requiredKeys: [] },
);

describe('loadDefinitionFiles on any content', () => {
  it('never throws on arbitrary JSON values, written as JSON and as YAML', () => {
    fc.assert(
      fc.property(fc.oneof(anything, definitionLike), (value) =>
        loadsWithoutThrowing(stringify(value), JSON.stringify(value)),
      ),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), yamlText), (text) => loadsWithoutThrowing(text)),
      { numRuns: 300 },
    );
  });

  it('never throws on YAML whose aliases repeat, deepen or hold themselves', () => {
    fc.assert(
      fc.property(yamlWithAliases, (text) => loadsWithoutThrowing(text)),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => loadsWithoutThrowing(bytes)),
      { numRuns: 100 },
    );
  });
});
