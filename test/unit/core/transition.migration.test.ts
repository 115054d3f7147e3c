import type { SagaDefinition } from '../../../src/core/definition/types';
import { migrationRefusals } from '../../../src/core/migration';
import { definitionOf, group, plainStep, step } from './definitions';
import { FATAL, RETRYABLE, SagaRun, commandsOf, logEntry, msBetween } from './fixtures';

type Document = Record<string, unknown>;

const v = (version: number, steps: Document[], fields: Document = {}): SagaDefinition =>
  definitionOf(steps, { version, ...fields });

/** a, then a group of b and c, then d and e. */
const V1 = [step('a'), group('g', [step('b'), step('c')]), step('d'), step('e')];

function action(run: SagaRun, name: string, attempt = 1) {
  const found = run.sent.find((c) => c.step === name && c.kind === 'action' && c.attempt === attempt);
  if (found === undefined) throw new Error(`no action ${name} #${attempt}`);
  return found;
}

/** The V1 saga with `a` done and the group's members b and c outstanding. */
function inGroup(): SagaRun {
  const run = new SagaRun(v(1, V1));
  run.start();
  run.complete('a', { id: 'a-1' });
  return run;
}

describe('migrationRefusals', () => {
  const refusals = (run: SagaRun, to: SagaDefinition) => migrationRefusals(run.definition, to, run.state);

  it.each<[string, () => SagaRun, Document[], Document, Array<{ path: string; message: string }>]>([
    [
      'a started step missing in the target',
      inGroup,
      [step('a2'), group('g', [step('b'), step('c')]), step('d')],
      {},
      [{ path: 'steps.a', message: 'started step "a" is not in version 2' }],
    ],
    [
      'a started step at another stage',
      () => {
        const run = new SagaRun(v(1, V1));
        run.start();
        return run;
      },
      [step('x'), step('a'), group('g', [step('b'), step('c')])],
      {},
      [
        {
          path: 'steps.a',
          message: 'started step "a" runs at stage 1, on its own; version 2 runs it at stage 2, on its own',
        },
      ],
    ],
    [
      'a started member taken out of its group',
      inGroup,
      [step('a'), group('g', [step('b'), step('x')]), step('c')],
      {},
      [
        {
          path: 'steps.c',
          message: 'started step "c" runs at stage 2, in group "g"; version 2 runs it at stage 3, on its own',
        },
        { path: 'groups.g', message: 'started group "g" has members "b", "c"; version 2 has "b", "x"' },
      ],
    ],
    [
      'another participant, action and compensation',
      inGroup,
      [
        step('a', { participant: 'q', action: 'Do-a2', compensation: 'Undo-a2' }),
        group('g', [step('b'), step('c')]),
      ],
      {},
      [
        { path: 'steps.a', message: 'started step "a" has participant "p"; version 2 has "q"' },
        { path: 'steps.a', message: 'started step "a" has action "Do-a"; version 2 has "Do-a2"' },
        { path: 'steps.a', message: 'started step "a" has compensation "Undo-a"; version 2 has "Undo-a2"' },
      ],
    ],
    [
      'a compensation dropped from a started step',
      inGroup,
      [plainStep('a'), group('g', [step('b'), step('c')])],
      {},
      [{ path: 'steps.a', message: 'started step "a" has compensation "Undo-a"; version 2 has none' }],
    ],
    [
      'a started step made the pivot',
      inGroup,
      [
        plainStep('a', { type: 'pivot' }),
        group('g', [plainStep('b', { type: 'retriable' }), plainStep('c', { type: 'retriable' })]),
      ],
      {},
      [
        { path: 'steps.a', message: 'started step "a" has compensation "Undo-a"; version 2 has none' },
        { path: 'steps.a', message: 'started step "a" has type "compensatable"; version 2 has "pivot"' },
        { path: 'steps.b', message: 'started step "b" has compensation "Undo-b"; version 2 has none' },
        { path: 'steps.b', message: 'started step "b" has type "compensatable"; version 2 has "retriable"' },
        { path: 'steps.c', message: 'started step "c" has compensation "Undo-c"; version 2 has none' },
        { path: 'steps.c', message: 'started step "c" has type "compensatable"; version 2 has "retriable"' },
      ],
    ],
    [
      'a started group renamed',
      inGroup,
      [step('a'), group('h', [step('b'), step('c')])],
      {},
      [
        {
          path: 'steps.b',
          message:
            'started step "b" runs at stage 2, in group "g"; version 2 runs it at stage 2, in group "h"',
        },
        {
          path: 'steps.c',
          message:
            'started step "c" runs at stage 2, in group "g"; version 2 runs it at stage 2, in group "h"',
        },
        { path: 'groups.g', message: 'started group "g" is not at stage 2 in version 2' },
      ],
    ],
    [
      'a started group compensated another way',
      inGroup,
      [step('a'), group('g', [step('b'), step('c')], 'reverse')],
      {},
      [
        {
          path: 'groups.g',
          message:
            'started group "g" compensates its members all at once; version 2 in reverse completion order',
        },
      ],
    ],
    [
      'a member added to a started group',
      inGroup,
      [step('a'), group('g', [step('b'), step('c'), step('x')])],
      {},
      [{ path: 'groups.g', message: 'started group "g" has members "b", "c"; version 2 has "b", "c", "x"' }],
    ],
    [
      'a saga of another name',
      inGroup,
      V1,
      { name: 'other' },
      [{ path: 'name', message: 'version 2 is of saga "other", not "v2"' }],
    ],
  ])('refuses %s', (_what, setUp, targetSteps, fields, expected) => {
    const run = setUp();
    expect(refusals(run, v(2, targetSteps, fields))).toEqual(expected);
  });

  it('refuses the version the saga runs', () => {
    expect(refusals(inGroup(), v(1, V1))).toEqual([
      { path: 'version', message: 'the saga already runs version 1' },
    ]);
  });

  it.each([
    [
      'COMPLETED',
      (run: SagaRun) => [
        run.complete('a'),
        run.succeed(action(run, 'b')),
        run.succeed(action(run, 'c')),
        run.complete('d'),
        run.complete('e'),
      ],
    ],
    ['COMPENSATING', (run: SagaRun) => [run.complete('a'), run.fail(action(run, 'b'), FATAL)]],
  ])('refuses a %s saga', (status, drive) => {
    const run = new SagaRun(v(1, V1));
    run.start();
    drive(run);
    expect(run.state.status).toBe(status);
    expect(refusals(run, v(2, V1))).toEqual([
      { path: 'status', message: `the saga is ${status}: only RUNNING and SUSPENDED sagas can be migrated` },
    ]);
  });

  it('counts a SKIPPED step as started: its condition was decided', () => {
    const run = new SagaRun(v(1, [step('s', { when: { equals: ['${input.vip}', true] } }), step('t')]));
    run.start({ input: { vip: false } });
    expect(run.step('s').status).toBe('SKIPPED');
    expect(refusals(run, v(2, [step('t')]))).toEqual([
      { path: 'steps.s', message: 'started step "s" is not in version 2' },
      {
        path: 'steps.t',
        message: 'started step "t" runs at stage 2, on its own; version 2 runs it at stage 1, on its own',
      },
    ]);
  });

  it('keeps a pivot that succeeded: the target may not make it compensatable', () => {
    const run = new SagaRun(v(1, [plainStep('p', { type: 'pivot' }), plainStep('r', { type: 'retriable' })]));
    run.start();
    run.complete('p');
    expect(refusals(run, v(2, [step('p'), plainStep('r', { type: 'retriable' })]))).toEqual([
      { path: 'steps.p', message: 'started step "p" has compensation none; version 2 has "Undo-p"' },
      { path: 'steps.p', message: 'started step "p" has type "pivot"; version 2 has "compensatable"' },
    ]);
  });

  it('lists every reason at once', () => {
    const run = new SagaRun(v(1, V1));
    run.start();
    run.apply({ type: 'operator-abort', reason: 'stop', causationId: 'op' });
    expect(
      refusals(run, v(1, [step('a', { participant: 'q' })], { name: 'other' })).map((r) => r.path),
    ).toEqual(['status', 'name', 'version', 'steps.a']);
  });

  it('allows any change to the steps not started yet', () => {
    expect(refusals(inGroup(), v(2, [step('a'), group('g', [step('b'), step('c')]), step('x')]))).toEqual([]);
  });
});

describe('an operator migrates a saga', () => {
  it('changes nothing when refused', () => {
    const run = inGroup();
    const before = run.state;
    const decision = run.migrate(v(2, [step('a2')]));
    expect(decision).toMatchObject({ changed: false, effects: [], events: [] });
    expect(decision.state).toEqual(before);
    expect(run.definition.version).toBe(1);
  });

  it('keeps the started steps, takes the later ones from the target, and only records the move', () => {
    const run = inGroup();
    const before = run.state;
    const decision = run.migrate(
      v(2, [step('a'), group('g', [step('b'), step('c')]), step('d'), step('n'), step('e')]),
      'add n',
    );

    expect(decision.effects).toEqual([]);
    expect(decision.events.map((e) => e.type)).toEqual(['SagaMigrated']);
    expect(logEntry(decision, 'SagaMigrated')).toMatchObject({
      step: null,
      data: { from: 1, to: 2, reason: 'add n' },
    });
    expect(run.state.version).toBe(2);
    expect(run.state.steps.map((s) => [s.name, s.status])).toEqual([
      ['a', 'SUCCEEDED'],
      ['b', 'RUNNING'],
      ['c', 'RUNNING'],
      ['d', 'PENDING'],
      ['n', 'PENDING'],
      ['e', 'PENDING'],
    ]);
    expect(run.state.steps.slice(0, 3)).toEqual(before.steps.slice(0, 3));
    expect(run.state.status).toBe('RUNNING');

    // The attempts outstanding before the move complete their steps after it.
    run.succeed(action(run, 'b'));
    const next = run.succeed(action(run, 'c'));
    expect(commandsOf(next).map((c) => [c.step, c.saga.version])).toEqual([['d', 2]]);
    run.complete('d');
    run.complete('n');
    run.complete('e');
    expect(run.state.status).toBe('COMPLETED');
  });

  it('runs a later step as the target has it: action, payload, timeout and retries', () => {
    const run = inGroup();
    run.migrate(
      v(2, [
        step('a'),
        group('g', [step('b'), step('c')]),
        step('d', {
          action: 'Do-d-better',
          payload: { from: '${steps.a.output.id}' },
          timeout: '30s',
          retry: { attempts: 3, backoff: '1s' },
        }),
      ]),
    );
    run.succeed(action(run, 'b'));
    const sent = run.succeed(action(run, 'c'));
    const d = commandsOf(sent)[0]!;
    expect([d.type, d.payload, msBetween(d.timestamp, d.deadline)]).toEqual([
      'Do-d-better',
      { from: 'a-1' },
      30_000,
    ]);
    run.fail(d, RETRYABLE);
    run.retry('d');
    run.fail(action(run, 'd', 2), RETRYABLE);
    run.retry('d');
    expect(action(run, 'd', 3).type).toBe('Do-d-better');
    run.succeed(action(run, 'd', 3));
    expect(run.state.status).toBe('COMPLETED');
    expect(run.state.steps.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops later steps the target does not have: the saga completes without them', () => {
    const run = inGroup();
    run.migrate(v(2, [step('a'), group('g', [step('b'), step('c')])]));
    expect(run.state.steps.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    run.succeed(action(run, 'b'));
    const last = run.succeed(action(run, 'c'));
    expect(commandsOf(last)).toEqual([]);
    expect(run.state.status).toBe('COMPLETED');
  });

  it('compensates after the move only what ran, with the compensations it had', () => {
    const run = inGroup();
    run.migrate(v(2, [step('a'), group('g', [step('b'), step('c')]), step('n')]));
    run.succeed(action(run, 'b'));
    run.fail(action(run, 'c'), FATAL);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.type)).toEqual(['Undo-b']);
  });

  it('moves a SUSPENDED saga to a version that retries what suspended it, and the operator resumes it', () => {
    const suspending = { codes: ['LOCKED'], then: 'suspend' };
    const run = new SagaRun(
      v(1, [
        step('a'),
        plainStep('r', { type: 'retriable', retry: { attempts: 2, backoff: '1s' }, onError: [suspending] }),
      ]),
    );
    run.start();
    run.complete('a');
    const locked = { code: 'LOCKED', message: 'locked', retryable: false };
    run.fail(action(run, 'r'), locked);
    expect(run.state.status).toBe('SUSPENDED');

    const fixed = plainStep('r', {
      type: 'retriable',
      retry: { attempts: 5, backoff: '1s' },
      onError: [{ codes: ['LOCKED'], then: 'retry' }],
    });
    const migrated = run.migrate(v(2, [step('a'), fixed, step('n')]));
    expect(migrated.effects).toEqual([]);
    expect(run.state.status).toBe('SUSPENDED');

    run.apply({ type: 'operator-retry', causationId: 'op' });
    run.fail(action(run, 'r', 2), locked);
    expect(run.state.status).toBe('RUNNING');
    run.retry('r');
    const done = run.succeed(action(run, 'r', 3));
    expect(commandsOf(done).map((c) => [c.step, c.saga.version])).toEqual([['n', 2]]);
    run.complete('n');
    expect(run.state.status).toBe('COMPLETED');
  });
});
