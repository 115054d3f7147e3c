import { loadDefinitionFiles } from '../../../src/definitions/definition-files';
import { DefinitionLimits } from '../../../src/core/definition/limits';
import { definitionFolder, removeDefinitionFolders, sagaYaml } from './definition-folder';

afterAll(removeDefinitionFolders);

function problemsOf(file: string, content: string): string[] {
  const { definitions, problems } = loadDefinitionFiles(definitionFolder({ [file]: content }));
  expect(definitions).toHaveLength(problems.length === 0 ? 1 : 0);
  return problems;
}

/** A mapping nested `levels` deep (`{}` is one level) as flow YAML or JSON: `{"a": {"a": {}}}`. */
function nestedMapping(levels: number): string {
  return '{"a": '.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

/** A one-step definition as YAML; `fields` replace the step's own. */
function oneStepYaml(fields: Record<string, string>): string {
  const step = {
    name: 'first',
    participant: 'alpha',
    action: 'DoFirst',
    compensation: 'UndoFirst',
    ...fields,
  };
  const lines = Object.entries(step).map(
    ([key, value], index) => `${index === 0 ? '  - ' : '    '}${key}: ${value}`,
  );
  return ['name: demo', 'version: 1', 'steps:', ...lines].join('\n');
}

/** `steps:` with `count` steps, each a line of flow YAML. */
function stepsYaml(count: number): string {
  const steps = Array.from({ length: count }, (_, i) => `  - { name: s${i}, participant: p, action: A }`);
  return ['name: many', 'version: 1', 'steps:', ...steps].join('\n');
}

describe('definition limits', () => {
  it('holds every limit in one place', () => {
    expect(DefinitionLimits).toEqual({
      maxFileBytes: 1_048_576,
      maxDocumentBytes: 1_048_576,
      maxNestingDepth: 64,
      maxYamlAliasCount: 100,
      maxNameLength: 100,
      maxCommandNameLength: 200,
      maxDescriptionLength: 10_000,
      maxVersion: 2_147_483_647,
      maxSteps: 100,
      maxStepDurationMs: 30 * 86_400_000,
      maxSagaTimeoutMs: 365 * 86_400_000,
      maxAttempts: 1_000,
      maxMultiplier: 100,
      maxPayloadDepth: 32,
    });
  });

  it.each<[string, string, string]>([
    ['a saga name', 'a'.repeat(100), 'a'.repeat(101)],
    ['an invalid saga name', 'a'.repeat(100), 'A'.repeat(101)],
  ])('reports %s longer than 100 characters by its length alone', (_case, longest, tooLong) => {
    expect(problemsOf('name.yaml', sagaYaml('', longest))).toEqual([]);
    expect(problemsOf('name.yaml', sagaYaml('', tooLong))).toEqual([
      'name.yaml: name: must be at most 100 characters',
    ]);
  });

  it.each<[string, string, string, string]>([
    ['a step name', 'name', 'n'.repeat(100), 'n'.repeat(101)],
    ['a participant', 'participant', 'p'.repeat(100), 'p'.repeat(101)],
    ['an action', 'action', 'A'.repeat(200), 'A'.repeat(201)],
    ['a compensation', 'compensation', 'U'.repeat(200), 'U'.repeat(201)],
  ])('reports %s over its length limit', (_case, field, longest, tooLong) => {
    const limit = longest.length;
    expect(problemsOf('length.yaml', oneStepYaml({ [field]: longest }))).toEqual([]);
    expect(problemsOf('length.yaml', oneStepYaml({ [field]: tooLong }))).toEqual([
      `length.yaml: steps.0.${field}: must be at most ${limit} characters`,
    ]);
  });

  it('reports a command name over 255 bytes, since it is also the AMQP type property', () => {
    expect(problemsOf('bytes.yaml', oneStepYaml({ action: '€'.repeat(85) }))).toEqual([]);
    expect(problemsOf('bytes.yaml', oneStepYaml({ action: '€'.repeat(86) }))).toEqual([
      'bytes.yaml: steps.0.action: must be at most 255 bytes in UTF-8',
    ]);
  });

  it('reports a description longer than 10000 characters', () => {
    expect(problemsOf('text.yaml', `${sagaYaml()}\ndescription: ${'d'.repeat(10_000)}`)).toEqual([]);
    expect(problemsOf('text.yaml', `${sagaYaml()}\ndescription: ${'d'.repeat(10_001)}`)).toEqual([
      'text.yaml: description: must be at most 10000 characters',
    ]);
  });

  it('reports a version the database cannot store', () => {
    expect(problemsOf('version.yaml', sagaYaml('', 'demo', 2_147_483_647))).toEqual([]);
    expect(problemsOf('version.yaml', sagaYaml('', 'demo', 2_147_483_648))).toEqual([
      'version.yaml: version: must be at most 2147483647',
    ]);
  });

  it('reports more than 100 steps on one line, without checking each step', () => {
    expect(problemsOf('steps.yaml', stepsYaml(100))).toEqual([]);
    expect(problemsOf('steps.yaml', stepsYaml(101))).toEqual([
      'steps.yaml: steps: must list at most 100 steps',
    ]);
    const badSteps = stepsYaml(101).replace(/participant: p/g, 'participant: P');
    expect(problemsOf('steps.yaml', badSteps)).toEqual(['steps.yaml: steps: must list at most 100 steps']);
  });

  it.each<[string, string, string]>([
    ['timeout', '    timeout: 720h', '    timeout: 721h'],
    [
      'retry.backoff',
      '    retry: { backoff: 720h, maxBackoff: 720h }',
      '    retry: { backoff: 2592000001, maxBackoff: 720h }',
    ],
    ['retry.maxBackoff', '    retry: { maxBackoff: 2592000000 }', '    retry: { maxBackoff: 43201m }'],
    [
      'compensationRetry.backoff',
      '    compensation: UndoSecond\n    compensationRetry: { backoff: 720h, maxBackoff: 720h }',
      '    compensation: UndoSecond\n    compensationRetry: { backoff: 721h, maxBackoff: 720h }',
    ],
    [
      'compensationRetry.maxBackoff',
      '    compensation: UndoSecond\n    compensationRetry: { maxBackoff: 720h }',
      '    compensation: UndoSecond\n    compensationRetry: { maxBackoff: 720.5h }',
    ],
  ])('reports a step %s longer than 30 days', (field, longest, tooLong) => {
    expect(problemsOf('duration.yaml', sagaYaml(longest))).toEqual([]);
    expect(problemsOf('duration.yaml', sagaYaml(tooLong))).toEqual([
      `duration.yaml: steps.1.${field}: must be at most 30d (720h)`,
    ]);
  });

  it('reports a saga timeout longer than 365 days', () => {
    expect(problemsOf('timeout.yaml', `${sagaYaml()}\ntimeout: 8760h`)).toEqual([]);
    expect(problemsOf('timeout.yaml', `${sagaYaml()}\ntimeout: 8761h`)).toEqual([
      'timeout.yaml: timeout: must be at most 365d (8760h)',
    ]);
  });

  it.each<[string, string, string, string]>([
    ['retry.attempts', 'retry: { attempts: 1000 }', 'retry: { attempts: 1001 }', 'must be at most 1000'],
    ['retry.multiplier', 'retry: { multiplier: 100 }', 'retry: { multiplier: 100.5 }', 'must be at most 100'],
    [
      'compensationRetry.attempts',
      'compensationRetry: { attempts: 1000 }',
      'compensationRetry: { attempts: 1001 }',
      'must be at most 1000',
    ],
    [
      'compensationRetry.multiplier',
      'compensationRetry: { multiplier: 100 }',
      'compensationRetry: { multiplier: 101 }',
      'must be at most 100',
    ],
  ])('reports %s over its limit', (field, largest, tooLarge, message) => {
    const step = (retry: string) => sagaYaml(`    compensation: UndoSecond\n    ${retry}`);
    expect(problemsOf('retry.yaml', step(largest))).toEqual([]);
    expect(problemsOf('retry.yaml', step(tooLarge))).toEqual([`retry.yaml: steps.1.${field}: ${message}`]);
  });

  it('reports a payload nested deeper than 32 levels', () => {
    const payload = (levels: number) =>
      sagaYaml(`    payload: { "id": "\${input.id}", "deep": ${nestedMapping(levels - 1)} }`);
    expect(problemsOf('payload.yaml', payload(32))).toEqual([]);
    expect(problemsOf('payload.yaml', payload(33))).toEqual([
      'payload.yaml: steps.1.payload: is nested deeper than 32 levels',
    ]);
  });

  it('reports a file larger than 1 MiB before reading it', () => {
    const valid = `${sagaYaml()}\n#`;
    const padded = (bytes: number) => valid.padEnd(bytes, 'x');
    expect(problemsOf('size.yaml', padded(1_048_576))).toEqual([]);
    expect(problemsOf('size.yaml', padded(1_048_577))).toEqual([
      'size.yaml: file is 1048577 bytes, more than the limit of 1048576',
    ]);
    expect(problemsOf('size.json', ' '.repeat(2_000_000))).toEqual([
      'size.json: file is 2000000 bytes, more than the limit of 1048576',
    ]);
  });

  it.each<[string, string, (levels: number) => string]>([
    ['JSON', 'deep.json', (levels) => `{"name": "deep", "version": 1, "x": ${nestedMapping(levels - 1)}}`],
    [
      'flow YAML',
      'deep.yaml',
      (levels) => `{"name": "deep", "version": 1, "x": ${nestedMapping(levels - 1)}}`,
    ],
    [
      'block YAML',
      'deep.yaml',
      (levels) => {
        const keys = Array.from({ length: levels - 2 }, (_, i) => `${' '.repeat(i)}x:`);
        return ['name: deep', 'version: 1', ...keys, `${' '.repeat(levels - 2)}x: {}`].join('\n');
      },
    ],
    ['block YAML lists', 'deep.yaml', (levels) => `name: deep\nversion: 1\nx:\n${'- '.repeat(levels - 2)}[]`],
  ])('reports %s nested deeper than 64 levels', (_case, file, nested) => {
    expect(problemsOf(file, nested(64))).toEqual([
      `${file}: steps: is required`,
      `${file}: x: unknown field`,
    ]);
    expect(problemsOf(file, nested(65))).toEqual([`${file}: file is nested deeper than 64 levels`]);
  });
});
