import { compileDefinition, type DefinitionProblem } from '../../../src/core/definition/compile';
import { DEFAULT_COMPENSATION_RETRY, DEFAULT_RETRY } from '../../../src/core/definition/schema';

type Document = Record<string, unknown>;

function minimal(step: Document = {}, top: Document = {}): Document {
  return {
    name: 'demo',
    version: 1,
    steps: [{ name: 'first', participant: 'alpha', action: 'DoFirst', ...step }],
    ...top,
  };
}

function problemsOf(document: unknown): DefinitionProblem[] {
  const result = compileDefinition(document);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('compileDefinition', () => {
  it('applies every default', () => {
    const result = compileDefinition(minimal());
    expect(result).toEqual({
      ok: true,
      definition: {
        name: 'demo',
        version: 1,
        description: null,
        inputSchema: null,
        timeoutMs: null,
        steps: [
          {
            name: 'first',
            participant: 'alpha',
            actionCommand: 'DoFirst',
            compensationCommand: null,
            type: 'compensatable',
            when: null,
            onError: [],
            timeoutMs: 30_000,
            retry: { attempts: 3, backoffMs: 1_000, multiplier: 2, maxBackoffMs: 30_000, jitter: 'none' },
            compensationRetry: {
              attempts: 5,
              backoffMs: 1_000,
              multiplier: 2,
              maxBackoffMs: 30_000,
              jitter: 'none',
            },
            payload: { kind: 'object', entries: [] },
            stage: 0,
          },
        ],
        stages: [{ kind: 'step', step: 0 }],
        pivot: null,
        lifecycleEvents: 'terminal',
      },
    });
  });

  it.each<[string, Document, Document]>([
    ['retry', { retry: { attempts: 7 } }, { retry: { ...DEFAULT_RETRY, attempts: 7 } }],
    ['retry', { retry: {} }, { retry: DEFAULT_RETRY }],
    [
      'retry',
      { retry: { backoff: '2s', maxBackoff: 2000 } },
      { retry: { ...DEFAULT_RETRY, backoffMs: 2_000, maxBackoffMs: 2_000 } },
    ],
    [
      'compensationRetry',
      { compensation: 'Undo', compensationRetry: { multiplier: 1.5, backoff: 0 } },
      { compensationRetry: { ...DEFAULT_COMPENSATION_RETRY, multiplier: 1.5, backoffMs: 0 } },
    ],
    ['timeout', { timeout: '1.5s' }, { timeoutMs: 1_500 }],
    ['compensation', { compensation: 'Undo' }, { compensationCommand: 'Undo' }],
  ])('fills the missing fields of %s', (_field, step, expected) => {
    const result = compileDefinition(minimal(step));
    expect(result.ok && result.definition.steps[0]).toMatchObject(expected);
  });

  it('keeps the saga-level fields', () => {
    const input = { type: 'object', required: ['orderId'] };
    const result = compileDefinition(minimal({}, { description: 'Demo', input, timeout: '5m' }));
    expect(result.ok && result.definition).toMatchObject({
      description: 'Demo',
      inputSchema: input,
      timeoutMs: 300_000,
    });
  });

  it.each(['all', 'terminal', 'none'] as const)('keeps events: %s', (events) => {
    const result = compileDefinition(minimal({}, { events }));
    expect(result.ok && result.definition.lifecycleEvents).toBe(events);
  });

  it.each<[string, unknown, DefinitionProblem[]]>([
    [
      'an unknown events selection',
      minimal({}, { events: 'everything' }),
      [{ path: 'events', message: 'must be all, terminal or none (got "everything")' }],
    ],
    [
      'events that are not a string',
      minimal({}, { events: ['SagaCompleted'] }),
      [{ path: 'events', message: 'must be all, terminal or none (got a list)' }],
    ],
    [
      'an unknown top-level field',
      minimal({}, { versoin: 2 }),
      [{ path: 'versoin', message: 'unknown field' }],
    ],
    [
      'unknown fields in a step and its retry',
      minimal({ retyr: {}, retry: { attempt: 2, backof: '1s' } }),
      [
        { path: 'steps.0.retry.attempt', message: 'unknown field' },
        { path: 'steps.0.retry.backof', message: 'unknown field' },
        { path: 'steps.0.retyr', message: 'unknown field' },
      ],
    ],
    [
      'missing fields',
      { steps: [{}] },
      [
        { path: 'name', message: 'is required' },
        { path: 'version', message: 'is required' },
        { path: 'steps.0.name', message: 'is required' },
        { path: 'steps.0.participant', message: 'is required' },
        { path: 'steps.0.action', message: 'is required' },
      ],
    ],
    [
      'wrong types',
      minimal({ action: 7, payload: 'x' }, { version: '1', description: null }),
      [
        { path: 'version', message: 'expected a number, got a string' },
        { path: 'description', message: 'expected a string, got null' },
        { path: 'steps.0.action', message: 'expected a string, got a number' },
        { path: 'steps.0.payload', message: 'expected a mapping, got a string' },
      ],
    ],
    [
      'invalid names',
      minimal({ name: 'First', participant: 'my_service' }, { name: '' }),
      [
        { path: 'name', message: 'invalid name "": use only lowercase letters, digits and "-"' },
        { path: 'steps.0.name', message: 'invalid name "First": use only lowercase letters, digits and "-"' },
        {
          path: 'steps.0.participant',
          message: 'invalid name "my_service": use only lowercase letters, digits and "-"',
        },
      ],
    ],
    [
      'bad numbers',
      minimal({ action: '', retry: { attempts: 0, multiplier: 0.5 } }, { version: 0 }),
      [
        { path: 'version', message: 'must be a positive integer' },
        { path: 'steps.0.action', message: 'must not be empty' },
        { path: 'steps.0.retry.attempts', message: 'must be a positive integer' },
        { path: 'steps.0.retry.multiplier', message: 'must be at least 1' },
      ],
    ],
    ['no steps', minimal({}, { steps: [] }), [{ path: 'steps', message: 'must list at least one step' }]],
    [
      'steps not a list',
      minimal({}, { steps: { a: 1 } }),
      [{ path: 'steps', message: 'expected a list, got a mapping' }],
    ],
    ['not a mapping', ['a'], [{ path: '', message: 'expected a mapping, got a list' }]],
    [
      'maxBackoff below backoff',
      minimal({
        retry: { backoff: '5s', maxBackoff: '1s' },
        compensation: 'Undo',
        compensationRetry: { backoff: '1m' },
      }),
      [
        { path: 'steps.0.retry.maxBackoff', message: 'maxBackoff cannot be less than backoff' },
        {
          path: 'steps.0.compensationRetry.maxBackoff',
          message: 'maxBackoff cannot be less than backoff (maxBackoff defaults to 30s)',
        },
      ],
    ],
    [
      'a compensationRetry without compensation',
      minimal({ compensationRetry: { attempts: 2 } }),
      [{ path: 'steps.0.compensationRetry', message: 'has no effect: the step has no compensation' }],
    ],
    [
      'a non-finite number in a payload',
      minimal({ payload: { a: { b: [1, Infinity] } } }),
      [{ path: 'steps.0.payload.a.b.1', message: 'not a JSON value (numbers must be finite)' }],
    ],
  ])('reports %s', (_case, document, expected) => {
    expect(problemsOf(document)).toEqual(expected);
  });

  it('reports shape and semantic problems together, step by step in the order of the file', () => {
    const document = {
      name: 'demo',
      version: 1,
      steps: [
        {
          name: 'a',
          participant: 'p',
          action: 'A',
          timeout: '10',
          payload: { id: '${steps.b.output.id}', output: 1 },
        },
        { name: 'b', participant: 'p', action: 'B', payload: { id: '${steps.c.output}' } },
        { name: 'a', participant: 'p', action: 'C', retyr: 1 },
      ],
    };
    expect(problemsOf(document)).toEqual([
      {
        path: 'steps.0.timeout',
        message:
          'invalid duration "10": expected a number with a unit (ms, s, m, h) or an integer of milliseconds',
      },
      {
        path: 'steps.0.payload.output',
        message: '"output" is reserved: a compensation receives the step\'s output under it',
      },
      { path: 'steps.0.payload.id', message: '${steps.b.output.id}: step "b" does not run before "a"' },
      { path: 'steps.1.payload.id', message: '${steps.c.output}: unknown step "c"' },
      { path: 'steps.2.retyr', message: 'unknown field' },
      { path: 'steps.2.name', message: 'duplicate step or group name "a"' },
    ]);
  });
});
