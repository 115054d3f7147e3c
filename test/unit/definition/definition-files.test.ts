import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinitionFiles } from '../../../src/definitions/definition-files';
import { definitionFolder as folder, removeDefinitionFolders, sagaYaml as saga } from './definition-folder';

const EXAMPLE_DIR = join(__dirname, '../../../sagas');
const DURATION_HELP = 'expected a number with a unit (ms, s, m, h) or an integer of milliseconds';

afterAll(removeDefinitionFolders);

describe('loadDefinitionFiles', () => {
  it('loads the example file with zero problems', () => {
    const { definitions, problems } = loadDefinitionFiles(EXAMPLE_DIR);
    expect(problems).toEqual([]);
    const example = definitions.find((loaded) => loaded.file === 'order-fulfillment.yaml');
    expect(example?.definition).toMatchObject({ name: 'order-fulfillment', version: 1, timeoutMs: 300_000 });
    expect(example?.definition.steps.map((step) => step.name)).toEqual([
      'reserve-inventory',
      'charge-payment',
      'schedule-shipment',
    ]);
    expect(example?.document).toMatchObject({ name: 'order-fulfillment', timeout: '5m' });
    expect(example?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the YAML and JSON forms of a definition the same fingerprint; comments and formatting do not count', () => {
    const yaml = readFileSync(join(EXAMPLE_DIR, 'order-fulfillment.yaml'), 'utf8');
    const yamlDir = folder({ 'order-fulfillment.yaml': yaml });
    const [fromYaml] = loadDefinitionFiles(yamlDir).definitions;
    const reordered = { steps: fromYaml?.document.steps, ...fromYaml?.document };
    const jsonDir = folder({ 'order-fulfillment.json': JSON.stringify(reordered, null, 4) });
    const { definitions, problems } = loadDefinitionFiles(jsonDir);
    expect(problems).toEqual([]);
    expect(definitions[0]?.fingerprint).toBe(fromYaml?.fingerprint);
    expect(definitions[0]?.definition).toEqual(fromYaml?.definition);

    const changed = folder({ 'order-fulfillment.yaml': yaml.replace('timeout: 5m', 'timeout: 6m') });
    expect(loadDefinitionFiles(changed).definitions[0]?.fingerprint).not.toBe(fromYaml?.fingerprint);
  });

  it('keeps the fingerprint a file had before `events` existed, and stores the document as written', () => {
    const written = [
      'name: stored-before-events',
      'version: 3',
      'steps:',
      '  - name: reserve',
      '    participant: inventory',
      '    action: Reserve',
      '    compensation: Release',
    ].join('\n');
    const [loaded] = loadDefinitionFiles(folder({ 'stored.yaml': written })).definitions;
    // What the loader computed for this file before the key was added: a stored version still matches it.
    expect(loaded?.fingerprint).toBe('3b39b28cea6b5238403816f7e17d1b0a9b74d1df5ea571ee57d663c587679df3');
    expect(loaded?.document).not.toHaveProperty('events');
    expect(loaded?.definition.lifecycleEvents).toBe('terminal');

    const explicit = folder({ 'stored.yaml': `${written}\nevents: terminal\n` });
    const [withKey] = loadDefinitionFiles(explicit).definitions;
    expect(withKey?.definition).toEqual(loaded?.definition);
  });

  it('reads *.yaml, *.yml and *.json in name order, not recursively', () => {
    const dir = folder({
      'c.json': JSON.stringify({
        name: 'c',
        version: 1,
        steps: [{ name: 's', participant: 'p', action: 'A' }],
      }),
      'b.yml': saga('', 'b'),
      'a.yaml': saga('', 'a'),
      'notes.txt': 'not a definition',
      'README.md': '# sagas',
    });
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'd.yaml'), saga('', 'd'));
    const { definitions, problems } = loadDefinitionFiles(dir);
    expect(problems).toEqual([]);
    expect(definitions.map((loaded) => `${loaded.file}=${loaded.definition.name}`)).toEqual([
      'a.yaml=a',
      'b.yml=b',
      'c.json=c',
    ]);
  });

  it('accepts an empty folder', () => {
    expect(loadDefinitionFiles(folder({}))).toEqual({ definitions: [], problems: [] });
  });

  it('reports a missing folder on one line', () => {
    const dir = join(folder({}), 'missing');
    expect(loadDefinitionFiles(dir)).toEqual({
      definitions: [],
      problems: [`${dir}: saga definitions folder not found`],
    });
  });

  it.each<[string, string, string, string[]]>([
    [
      'a YAML syntax error',
      'bad.yaml',
      'name: [demo\nversion: 1\n',
      [
        'bad.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
      ],
    ],
    [
      'a duplicate YAML key',
      'dup-key.yaml',
      saga('    action: Again'),
      ['dup-key.yaml: Map keys must be unique at line 11, column 5'],
    ],
    [
      'a YAML file that is not a mapping',
      'list.yaml',
      '- name: demo\n',
      ['list.yaml: expected a mapping at the top level, got a list'],
    ],
    ['an empty YAML file', 'empty.yml', '', ['empty.yml: expected a mapping at the top level, got nothing']],
    [
      'a typo in a field name',
      'typo.yaml',
      saga('    retyr: { attempts: 2 }'),
      ['typo.yaml: steps.1.retyr: unknown field'],
    ],
    [
      'a bad duration',
      'duration.yaml',
      saga('    timeout: 10 s'),
      [`duration.yaml: steps.1.timeout: invalid duration "10 s": ${DURATION_HELP}`],
    ],
    [
      'a reference to a later step',
      'later.yaml',
      saga().replace(
        '    compensation: UndoFirst',
        '    compensation: UndoFirst\n    payload:\n      id: ${steps.second.output.id}',
      ),
      [
        'later.yaml: steps.0.payload.id: ${steps.second.output.id}: step "second" does not run before "first"',
      ],
    ],
    [
      'a reference to an unknown step',
      'unknown.yaml',
      saga('    payload: { id: "${steps.thrid.output.id}" }'),
      ['unknown.yaml: steps.1.payload.id: ${steps.thrid.output.id}: unknown step "thrid"'],
    ],
    [
      'duplicate step names',
      'names.yaml',
      `${saga()}\n  - name: first\n    participant: gamma\n    action: DoThird`,
      ['names.yaml: steps.2.name: duplicate step or group name "first"'],
    ],
    [
      'a bad name pattern',
      'pattern.yaml',
      saga('', 'Order_Fulfillment'),
      ['pattern.yaml: name: invalid name "Order_Fulfillment": use only lowercase letters, digits and "-"'],
    ],
    [
      'a missing required field',
      'missing.yaml',
      saga().replace('    participant: beta\n', ''),
      ['missing.yaml: steps.1.participant: is required'],
    ],
    [
      'an output key in a payload',
      'output.yaml',
      saga('    payload:\n      output: x'),
      [
        'output.yaml: steps.1.payload.output: "output" is reserved: a compensation receives the step\'s output under it',
      ],
    ],
    [
      'maxBackoff below backoff',
      'backoff.yaml',
      saga('    retry: { backoff: 10s, maxBackoff: 5s }'),
      ['backoff.yaml: steps.1.retry.maxBackoff: maxBackoff cannot be less than backoff'],
    ],
    [
      'an invalid input JSON Schema',
      'schema.yaml',
      `${saga()}\ninput:\n  type: object\n  properties:\n    id: { type: text }`,
      [
        'schema.yaml: input: invalid JSON Schema: at properties.id.type: must be equal to one of the allowed values',
      ],
    ],
    [
      'an unknown JSON Schema keyword',
      'keyword.yaml',
      `${saga()}\ninput:\n  type: object\n  requried: [id]`,
      ['keyword.yaml: input: invalid JSON Schema: strict mode: unknown keyword: "requried"'],
    ],
    [
      'several problems at once',
      'many.yaml',
      saga('    timeout: 0\n    retry: { attempts: 0 }\n    extra: 1', 'many', 0),
      [
        'many.yaml: version: must be a positive integer',
        'many.yaml: steps.1.timeout: invalid duration 0: must be greater than 0',
        'many.yaml: steps.1.retry.attempts: must be a positive integer',
        'many.yaml: steps.1.extra: unknown field',
      ],
    ],
  ])('reports %s', (_case, file, text, expected) => {
    const { definitions, problems } = loadDefinitionFiles(folder({ [file]: text }));
    expect(problems).toEqual(expected);
    expect(definitions).toEqual([]);
  });

  it('reports invalid JSON with its line and column', () => {
    const { problems } = loadDefinitionFiles(folder({ 'bad.json': '{\n  "name": "demo",\n}' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^bad\.json: invalid JSON: .*position 20 \(line 3,? column 1\)$/);
  });

  it('reports a name and version defined in two files against the second file', () => {
    const dir = folder({ 'a.yaml': saga('', 'x'), 'b.yaml': saga('', 'x'), 'c.yaml': saga('', 'x', 2) });
    const { definitions, problems } = loadDefinitionFiles(dir);
    expect(problems).toEqual(['b.yaml: saga "x" version 1 is also defined in a.yaml']);
    expect(definitions.map((loaded) => loaded.file)).toEqual(['a.yaml', 'c.yaml']);
  });

  it('keeps loading the other files after a bad one', () => {
    const dir = folder({ 'a.yaml': 'name: [', 'b.yaml': saga('', 'b') });
    const { definitions, problems } = loadDefinitionFiles(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^a\.yaml: /);
    expect(definitions.map((loaded) => loaded.file)).toEqual(['b.yaml']);
  });
});
