import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinitionFiles } from '../../../src/definitions/definition-files';
import { definitionFolder, removeDefinitionFolders, sagaYaml } from './definition-folder';

afterAll(removeDefinitionFolders);

const MIB = 1_048_576;

function problemsOf(file: string, content: string | Uint8Array): string[] {
  const { definitions, problems } = loadDefinitionFiles(definitionFolder({ [file]: content }));
  expect(definitions).toEqual([]);
  return problems;
}

/** Bytes that look random but are the same on every run. */
function garbage(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7_919 + 13) % 256);
}

/** A definition whose second step's payload holds `payload` (flow YAML), after a mapping of `anchors` lines. */
function withPayload(payload: string, anchors: string[] = []): string {
  return ['anchors:', ...anchors.map((line) => `  ${line}`), sagaYaml(`    payload: ${payload}`)].join('\n');
}

describe('hostile definition files', () => {
  it.each<[string, string, string | Uint8Array]>([
    ['1 MiB of "[" as YAML', 'open.yaml', '['.repeat(MIB)],
    ['1 MiB of "[" as JSON', 'open.json', '['.repeat(MIB)],
    ['1 MiB of "- " as YAML', 'dashes.yaml', '- '.repeat(MIB / 2)],
    ['1 MiB of "? " as YAML', 'keys.yaml', '? '.repeat(MIB / 2)],
    ['1 MiB of "{a: " as YAML', 'maps.yaml', '{a: '.repeat(MIB / 4)],
    [
      '1,400 nested block mappings',
      'indented.yaml',
      Array.from({ length: 1_400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    ],
  ])('refuses %s as too deep before parsing it', (_case, file, content) => {
    expect(problemsOf(file, content)).toEqual([`${file}: file is nested deeper than 64 levels`]);
  });

  it('refuses a file of 5 MB without reading it', () => {
    expect(problemsOf('large.yaml', 'a'.repeat(5_000_000))).toEqual([
      'large.yaml: file is 5000000 bytes, more than the limit of 1048576',
    ]);
  });

  it('keeps alias expansion bounded: "billion laughs"', () => {
    const levels = 'abcdefghi'.split('');
    const anchors = levels.map((name, i) =>
      i === 0
        ? `${name}: &${name} [lol, lol, lol, lol, lol, lol, lol, lol, lol]`
        : `${name}: &${name} [${Array(9)
            .fill(`*${levels[i - 1]}`)
            .join(', ')}]`,
    );
    expect(problemsOf('laughs.yaml', anchors.join('\n'))).toEqual([
      'laughs.yaml: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('refuses aliases that repeat a large list past 1 MiB of JSON', () => {
    const list = `&list [${Array(20_000).fill('1').join(', ')}]`;
    const copies = `[${Array(60).fill('*list').join(', ')}]`;
    expect(problemsOf('copies.yaml', withPayload(`{ copies: ${copies} }`, [`list: ${list}`]))).toEqual([
      'copies.yaml: file is more than 1048576 bytes as JSON, with its aliases expanded',
    ]);
  });

  it('refuses aliases that nest past 64 levels', () => {
    const chain = Array.from({ length: 4 }, (_, i) => {
      const inner = i === 0 ? '1' : `*level${i - 1}`;
      return `level${i}: &level${i} ${'['.repeat(30)}${inner}${']'.repeat(30)}`;
    });
    expect(problemsOf('chain.yaml', withPayload('{ deep: *level3 }', chain))).toEqual([
      'chain.yaml: file is nested deeper than 64 levels, with its aliases expanded',
    ]);
  });

  it('refuses an alias inside its own anchor', () => {
    expect(problemsOf('cycle.yaml', withPayload('{ self: &self [*self] }'))).toEqual([
      'cycle.yaml: file is nested deeper than 64 levels, with its aliases expanded',
    ]);
  });

  it('still loads a file that shares a retry policy through an alias', () => {
    const text = sagaYaml('    retry: *retry').replace(
      '    compensation: UndoFirst',
      '    compensation: UndoFirst\n    retry: &retry { attempts: 5, backoff: 2s }',
    );
    const { definitions, problems } = loadDefinitionFiles(definitionFolder({ 'alias.yaml': text }));
    expect(problems).toEqual([]);
    expect(definitions[0]?.definition.steps.map((step) => step.retry.attempts)).toEqual([5, 5]);
  });

  it.each<[string, string]>([
    ['binary garbage', 'garbage.yaml'],
    ['binary garbage', 'garbage.json'],
  ])('refuses %s as not UTF-8 (%s)', (_case, file) => {
    const [problem, ...others] = problemsOf(file, garbage(65_536));
    expect(others).toEqual([]);
    expect(problem).toMatch(
      new RegExp(
        `^${file.replace('.', '\\.')}: file is not valid UTF-8: the first invalid byte is at line \\d+, column \\d+$`,
      ),
    );
  });

  it.each<[string, string, Uint8Array, string]>([
    [
      'a Latin-1 character',
      'latin1.yaml',
      Buffer.from('name: demo\nversion: 1\ndescription: caf\xe9\n', 'latin1'),
      'line 3, column 17',
    ],
    [
      'a Latin-1 character after a real U+FFFD',
      'replacement.yaml',
      Buffer.concat([Buffer.from('description: \uFFFD '), Buffer.from('\xe9', 'latin1')]),
      'line 1, column 16',
    ],
    ['UTF-16', 'utf16.json', Buffer.from('\uFEFF{"name": "demo"}', 'utf16le'), 'line 1, column 1'],
  ])('refuses %s, naming where the first invalid byte is', (_case, file, content, position) => {
    expect(problemsOf(file, content)).toEqual([
      `${file}: file is not valid UTF-8: the first invalid byte is at ${position}`,
    ]);
  });

  it('reports control characters that are UTF-8 as YAML errors', () => {
    const problems = problemsOf('controls.yaml', Buffer.from(garbage(4_096).map((byte) => byte % 32)));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^controls\.yaml: /);
  });

  it('reads a UTF-8 byte order mark in YAML and JSON', () => {
    const json = JSON.stringify({
      name: 'json',
      version: 1,
      steps: [{ name: 'a', participant: 'p', action: 'A' }],
    });
    const dir = definitionFolder({ 'a.yaml': `\uFEFF${sagaYaml()}`, 'b.json': `\uFEFF${json}` });
    const { definitions, problems } = loadDefinitionFiles(dir);
    expect(problems).toEqual([]);
    expect(definitions.map((loaded) => loaded.definition.name)).toEqual(['demo', 'json']);
  });

  it.each<[string, string, string]>([
    ['an empty JSON file', 'empty.json', ''],
    ['a JSON file of spaces', 'spaces.json', '   \n'],
  ])('reports %s as invalid JSON', (_case, file, content) => {
    const [problem, ...others] = problemsOf(file, content);
    expect(others).toEqual([]);
    expect(problem).toMatch(new RegExp(`^${file.replace('.', '\\.')}: invalid JSON: `));
  });

  it.each<[string, string, string, string]>([
    ['a YAML string', 'string.yaml', 'just some text', 'a string'],
    ['a YAML number', 'number.yaml', '42', 'a number'],
    ['a YAML boolean', 'boolean.yaml', 'true', 'a boolean'],
    ['a YAML list', 'list.yaml', '- a\n- b', 'a list'],
    ['a YAML file of comments only', 'comments.yaml', '# nothing here', 'nothing'],
    ['a JSON string', 'string.json', '"text"', 'a string'],
    ['a JSON list', 'list.json', '[1, 2]', 'a list'],
    ['JSON null', 'null.json', 'null', 'nothing'],
  ])('reports %s at the top level', (_case, file, content, kind) => {
    expect(problemsOf(file, content)).toEqual([`${file}: expected a mapping at the top level, got ${kind}`]);
  });

  it('reports a YAML file of several documents', () => {
    expect(problemsOf('multi.yaml', `${sagaYaml()}\n---\n${sagaYaml()}`)).toEqual([
      'multi.yaml: Source contains multiple documents; please use YAML.parseAllDocuments() at line 12, column 1',
    ]);
  });

  it('reports keys that become the same object key', () => {
    expect(problemsOf('keys.yaml', withPayload('{ 1: a, "1": b, ~: c, "": d }'))).toEqual([
      'keys.yaml: Map keys must be unique at line 12, column 22',
      'keys.yaml: Map keys must be unique at line 12, column 36',
    ]);
  });

  it('reports YAML 1.1 values that are not JSON', () => {
    const text = `%YAML 1.1\n---\n${sagaYaml('    payload: { bytes: !!binary aGk=, set: !!set { a }, day: 2024-01-01 }')}`;
    expect(problemsOf('tags.yaml', text)).toEqual([
      'tags.yaml: steps.1.payload.bytes: not a JSON value (numbers must be finite)',
      'tags.yaml: steps.1.payload.set: not a JSON value (numbers must be finite)',
      'tags.yaml: steps.1.payload.day: not a JSON value (numbers must be finite)',
    ]);
  });

  it.each<[string, string, string, string]>([
    [
      'a NUL character',
      'nul.yaml',
      `${sagaYaml()}\ndescription: "a\\0b"`,
      'nul.yaml: description: contains a NUL character (\\u0000), which cannot be stored',
    ],
    [
      'an unpaired surrogate',
      'surrogate.json',
      '{"name": "demo", "version": 1, "steps": [{"name": "a", "participant": "p", "action": "A", "payload": {"x": "\\ud800"}}]}',
      'surrogate.json: steps.0.payload.x: contains an unpaired UTF-16 surrogate, which cannot be stored',
    ],
  ])('reports text the database cannot store: %s', (_case, file, content, expected) => {
    expect(problemsOf(file, content)).toEqual([expected]);
  });

  it('reports a link to a folder named like a definition file', () => {
    const dir = definitionFolder({});
    mkdirSync(join(dir, 'folder'));
    symlinkSync(join(dir, 'folder'), join(dir, 'link.yaml'));
    expect(loadDefinitionFiles(dir).problems).toEqual(['link.yaml: cannot read file: not a regular file']);
  });
});
