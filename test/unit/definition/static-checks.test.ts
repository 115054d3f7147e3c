import { loadDefinitionFiles } from '../../../src/definitions/definition-files';
import { definitionFolder, removeDefinitionFolders } from './definition-folder';

afterAll(removeDefinitionFolders);

type Step = Record<string, unknown>;
const step = (name: string, fields: Step = {}): Step => ({
  name,
  participant: 'p',
  action: `Do-${name}`,
  ...fields,
});
const undoable = (name: string, fields: Step = {}): Step =>
  step(name, { compensation: `Undo-${name}`, ...fields });
const group = (name: string, steps: Step[], fields: Step = {}): Step => ({
  parallel: { name, steps, ...fields },
});

/** The lines `npm run validate` and the engine's start-up print for a file `saga.json` holding these steps. */
function problemLines(steps: Step[], top: Record<string, unknown> = {}): string[] {
  const document = { name: 'checked', version: 1, ...top, steps };
  return loadDefinitionFiles(definitionFolder({ 'saga.json': JSON.stringify(document) })).problems;
}

describe('static checks of the definition language v2: one `file: path: message` line per problem', () => {
  it.each<[string, Step[], string[]]>([
    [
      'two pivots',
      [undoable('a'), step('b', { type: 'pivot' }), step('c', { type: 'pivot' })],
      ['saga.json: steps.2.type: a saga has at most one pivot; "b" is one'],
    ],
    [
      'a pivot in a parallel group',
      [group('g', [step('a', { type: 'pivot' }), undoable('b')])],
      ['saga.json: steps.0.parallel.steps.0.type: a pivot may not be in a parallel group'],
    ],
    [
      'a condition on a pivot',
      [undoable('a'), step('b', { type: 'pivot', when: { exists: '${input.x}' } })],
      [
        'saga.json: steps.1.when: a pivot always runs: whether the saga can go back may not depend on a condition',
      ],
    ],
    [
      'a compensation on a pivot',
      [step('a', { type: 'pivot', compensation: 'UndoA' })],
      [
        'saga.json: steps.0.compensation: a pivot step has no compensation: the pivot is the point of no return',
      ],
    ],
    [
      'a compensation on a retriable step',
      [step('a', { type: 'retriable', compensation: 'UndoA', compensationRetry: { attempts: 2 } })],
      [
        'saga.json: steps.0.compensation: a retriable step has no compensation: a retriable step never fails the saga',
        'saga.json: steps.0.compensationRetry: a retriable step has no compensation',
      ],
    ],
    [
      'a compensatable step after the pivot',
      [undoable('a'), step('b', { type: 'pivot' }), undoable('c'), step('d', { type: 'retriable' })],
      [
        'saga.json: steps.2.type: every step after the pivot "b" must be retriable: the saga can only go forward there',
      ],
    ],
    [
      'a group after the pivot whose members are not retriable',
      [step('a', { type: 'pivot' }), group('g', [undoable('b'), step('c', { type: 'retriable' })])],
      [
        'saga.json: steps.1.parallel.steps.0.type: every step after the pivot "a" must be retriable: the saga can only go forward there',
      ],
    ],
    [
      'unlimited attempts on a compensatable step',
      [undoable('a', { retry: { attempts: 'unlimited' } })],
      ['saga.json: steps.0.retry.attempts: "unlimited" is for retriable steps only'],
    ],
    [
      'unlimited compensation attempts',
      [undoable('a', { compensationRetry: { attempts: 'unlimited' } })],
      [
        'saga.json: steps.0.compensationRetry.attempts: a compensation that never gives up would hide its failure: give it a number of attempts',
      ],
    ],
    [
      'onError compensate on a retriable step',
      [step('a', { type: 'retriable', onError: [{ codes: ['X'], then: 'compensate' }] })],
      ['saga.json: steps.0.onError.0.then: a retriable step never fails the saga: use retry or suspend'],
    ],
    [
      'a compensationRetry without a compensation',
      [step('a', { compensationRetry: { attempts: 2 } })],
      ['saga.json: steps.0.compensationRetry: has no effect: the step has no compensation'],
    ],
    [
      'a step and a group with one name',
      [undoable('a'), group('a', [undoable('b'), undoable('c')])],
      ['saga.json: steps.1.parallel.name: duplicate step or group name "a"'],
    ],
    [
      'a member reading its sibling',
      [group('g', [undoable('a'), undoable('b', { payload: { x: '${steps.a.output.id}' } })])],
      [
        'saga.json: steps.0.parallel.steps.1.payload.x: ${steps.a.output.id}: step "a" runs beside "b" in group "g": a member may not read a sibling',
      ],
    ],
    [
      'a condition reading a later step',
      [undoable('a', { when: { exists: '${steps.b.output.id}' } }), undoable('b')],
      ['saga.json: steps.0.when.exists: ${steps.b.output.id}: step "b" does not run before "a"'],
    ],
    [
      'a condition that is code',
      [undoable('a', { when: 'input.amount > 3' })],
      [
        'saga.json: steps.0.when: expected an object with one operator: equals, notEquals, lessThan, lessOrEqual, greaterThan, greaterOrEqual, in, exists, and, or, not',
      ],
    ],
    [
      'an unknown operator',
      [undoable('a', { when: { matches: ['${input.x}', 'a.*'] } })],
      [
        'saga.json: steps.0.when.matches: unknown operator "matches", expected one of equals, notEquals, lessThan, lessOrEqual, greaterThan, greaterOrEqual, in, exists, and, or, not',
      ],
    ],
    [
      'a comparison with one operand',
      [undoable('a', { when: { equals: ['${input.x}'] } })],
      ['saga.json: steps.0.when.equals: expected a list of two operands'],
    ],
    [
      'an operand with text around an expression',
      [undoable('a', { when: { equals: ['id-${input.x}', 'id-1'] } })],
      [
        'saga.json: steps.0.when.equals.0: an operand is a JSON value or a single ${...} expression, not text around one',
      ],
    ],
    [
      'an empty and',
      [undoable('a', { when: { and: [] } })],
      ['saga.json: steps.0.when.and: expected a list of at least one condition'],
    ],
  ])('%s', (_title, steps, lines) => {
    expect(problemLines(steps)).toEqual(lines);
  });

  it('accepts a valid v2 saga: steps before the pivot compensatable or retriable, retriable ones after it', () => {
    const steps = [
      undoable('a'),
      step('warm-up', { type: 'retriable', retry: { attempts: 'unlimited', jitter: 'full' } }),
      group('g', [undoable('b'), undoable('c', { when: { equals: ['${input.hotel}', true] } })], {
        compensation: 'reverse',
      }),
      step('pivot', { type: 'pivot', onError: [{ codes: ['CARD_EXPIRED'], then: 'suspend' }] }),
      step('after', {
        type: 'retriable',
        retry: { attempts: 'unlimited' },
        payload: { b: '${steps.b.output}' },
      }),
    ];
    expect(problemLines(steps)).toEqual([]);
  });
});
