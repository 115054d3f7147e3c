import type { Command } from 'saga-orchestrator-sdk/contracts';
import { definitionOf, plainStep, step } from './definitions';
import { FATAL, RETRYABLE, SagaRun, cancelledKeysOf, commandsOf, logTypesOf, scheduledOf } from './fixtures';

/** `hold` (compensatable), `charge` (pivot), `notify` (retriable, two attempts unless told), with a deadline. */
function tripRun(
  notify: Record<string, unknown> = {},
  charge: Record<string, unknown> = {},
  sagaTimeout = '1m',
): SagaRun {
  const run = new SagaRun(
    definitionOf(
      [
        step('hold'),
        plainStep('charge', { type: 'pivot', ...charge }),
        plainStep('notify', { type: 'retriable', ...notify }),
      ],
      { timeout: sagaTimeout },
    ),
  );
  run.start();
  run.complete('hold', { seat: '12A' });
  return run;
}

function latestAction(run: SagaRun, stepName: string): Command {
  const found = run.sent.filter((c) => c.step === stepName && c.kind === 'action').at(-1);
  if (found === undefined) throw new Error(`no action of ${stepName}`);
  return found;
}

describe('step types: pivot and retriable', () => {
  it('compensates the steps before a pivot that fails; the pivot itself has nothing to undo', () => {
    const run = tripRun();
    const failed = run.fail(latestAction(run, 'charge'), FATAL);

    expect(run.state.status).toBe('COMPENSATING');
    expect(commandsOf(failed).map((c) => `${c.kind}:${c.step}`)).toEqual(['compensation:hold']);
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
    expect(run.step('charge').compensation).toBeNull();
  });

  it('past the pivot the saga deadline no longer applies', () => {
    const run = tripRun();
    const deadline = run.sagaDeadline();
    run.complete('charge');
    const fired = run.fire(deadline);

    expect(fired.changed).toBe(false);
    expect(run.state.status).toBe('RUNNING');
    run.complete('notify');
    expect(run.state.status).toBe('COMPLETED');
  });

  it('lets the answer of a pivot in flight decide when the deadline passes, and looks at the deadline again after', () => {
    const run = tripRun({}, {}, '5s');
    const charge = latestAction(run, 'charge');
    const passed = run.fire(run.sagaDeadline());

    expect(run.state.status).toBe('RUNNING');
    expect(commandsOf(passed)).toEqual([]);
    expect(scheduledOf(passed).map((t) => [t.timer.type, t.fireAt])).toEqual([
      ['saga-deadline', new Date(Date.parse(run.timeoutOf(charge).fireAt) + 1).toISOString()],
    ]);
    expect(run.apply({ type: 'operator-abort', reason: 'stop', causationId: 'op-1' }).changed).toBe(false);

    run.succeed(charge);
    expect(run.fire(run.sagaDeadline()).changed).toBe(false);
    run.complete('notify');
    expect(run.state.status).toBe('COMPLETED');
  });

  it('compensates once the deadline passed and the pivot in flight failed; suspends when its outcome is unknown', () => {
    const failed = tripRun({}, {}, '5s');
    failed.fire(failed.sagaDeadline());
    failed.fail(latestAction(failed, 'charge'), RETRYABLE);
    expect(failed.state.status).toBe('RUNNING');
    const undo = failed.fire(failed.sagaDeadline());
    expect(failed.state.status).toBe('COMPENSATING');
    expect(commandsOf(undo).map((c) => `${c.kind}:${c.step}`)).toEqual(['compensation:hold']);

    const unknown = tripRun({}, {}, '5s');
    unknown.fire(unknown.sagaDeadline());
    unknown.timeout(latestAction(unknown, 'charge'));
    const suspended = unknown.fire(unknown.sagaDeadline());
    expect(unknown.state.status).toBe('SUSPENDED');
    expect(unknown.state.suspension).toMatchObject({ step: 'charge' });
    expect(commandsOf(suspended)).toEqual([]);
  });

  it('suspends, instead of compensating, when a retriable step past the pivot fails with retryable: false', () => {
    const run = tripRun();
    run.complete('charge');
    const notify = latestAction(run, 'notify');
    const failed = run.fail(notify, FATAL);

    expect(run.state.status).toBe('SUSPENDED');
    expect(run.state.suspension).toMatchObject({ step: 'notify' });
    expect(run.step('notify').error).toEqual(FATAL);
    expect(logTypesOf(failed)).toContain('SagaSuspended');
    expect(commandsOf(failed)).toEqual([]);
    expect(scheduledOf(failed)).toEqual([]);
    expect(cancelledKeysOf(failed)).toEqual([run.timeoutOf(notify).key]);
    expect(run.sent.filter((c) => c.kind === 'compensation')).toEqual([]);
  });

  it('suspends when a retriable step runs out of attempts, and an abort is refused past the pivot', () => {
    const run = tripRun();
    run.complete('charge');
    run.fail(latestAction(run, 'notify'), RETRYABLE);
    run.retry('notify');
    run.fail(latestAction(run, 'notify'), RETRYABLE);

    expect(run.state.status).toBe('SUSPENDED');
    const abort = run.apply({ type: 'operator-abort', reason: 'stop', causationId: 'op-1' });
    expect(abort.changed).toBe(false);
    expect(run.state.status).toBe('SUSPENDED');
  });

  it('resumes a suspended step on an operator retry: a new attempt with a fresh budget and the new payload', () => {
    const run = tripRun();
    run.complete('charge');
    run.fail(latestAction(run, 'notify'), FATAL);
    const resumed = run.apply({ type: 'operator-retry', causationId: 'op-1', payload: { email: 'ops@x' } });

    expect(run.state.status).toBe('RUNNING');
    expect(run.state.suspension).toBeNull();
    expect(logTypesOf(resumed)).toEqual(expect.arrayContaining(['SagaRetried', 'SagaResumed']));
    const [again] = commandsOf(resumed);
    expect(again).toMatchObject({
      step: 'notify',
      attempt: 2,
      payload: { email: 'ops@x' },
      causation_id: 'op-1',
    });
    expect(scheduledOf(resumed).map((t) => t.timer.type)).toEqual(['attempt-timeout']);

    run.fail(again!, RETRYABLE);
    run.retry('notify');
    expect(latestAction(run, 'notify')).toMatchObject({ attempt: 3, payload: { email: 'ops@x' } });
    run.complete('notify');
    expect(run.state.status).toBe('COMPLETED');
  });

  it('takes a late success of an earlier attempt of the suspended step as done, and goes on', () => {
    const run = tripRun();
    run.complete('charge');
    const first = latestAction(run, 'notify');
    run.timeout(first);
    run.retry('notify');
    run.fail(latestAction(run, 'notify'), FATAL);
    expect(run.state.status).toBe('SUSPENDED');

    const late = run.succeed(first, { sent: true });
    expect(late.changed).toBe(true);
    expect(run.state.status).toBe('COMPLETED');
    expect(run.step('notify').output).toEqual({ sent: true });
  });

  it('never suspends a retriable step with unlimited attempts on retryable failures', () => {
    const run = tripRun({
      retry: { attempts: 'unlimited', backoff: '100ms', multiplier: 2, maxBackoff: '1s' },
    });
    run.complete('charge');
    for (let attempt = 1; attempt <= 25; attempt++) {
      run.fail(latestAction(run, 'notify'), RETRYABLE);
      expect(run.state.status).toBe('RUNNING');
      run.retry('notify');
    }
    expect(latestAction(run, 'notify').attempt).toBe(26);
    expect(run.retryOf('notify').timer).toBeDefined();
  });

  it('suspends a retriable step before the pivot that fails for good: it never fails the saga', () => {
    const run = new SagaRun(
      definitionOf([step('hold'), plainStep('warm', { type: 'retriable' }), step('after')]),
    );
    run.start();
    run.complete('hold');
    run.fail(latestAction(run, 'warm'), FATAL);

    expect(run.state.status).toBe('SUSPENDED');
    expect(run.sent.filter((c) => c.kind === 'compensation')).toEqual([]);
  });
});

describe('onError rules', () => {
  it('retry: a non-retryable failure whose code matches is retried within the attempts', () => {
    const run = tripRun({}, { onError: [{ codes: ['DECLINED'], then: 'retry' }] });
    run.fail(latestAction(run, 'charge'), FATAL);
    expect(run.state.status).toBe('RUNNING');
    run.retry('charge');
    run.fail(latestAction(run, 'charge'), FATAL);
    expect(run.state.status).toBe('COMPENSATING');
  });

  it('compensate: a retryable failure whose code matches compensates at once', () => {
    const run = tripRun({}, { onError: [{ codes: ['BUSY'], then: 'compensate' }] });
    const failed = run.fail(latestAction(run, 'charge'), RETRYABLE);
    expect(run.state.status).toBe('COMPENSATING');
    expect(commandsOf(failed).map((c) => `${c.kind}:${c.step}`)).toEqual(['compensation:hold']);
  });

  it('suspend: a failure whose code matches suspends, also before the pivot', () => {
    const run = tripRun({}, { onError: [{ codes: ['DECLINED'], then: 'suspend' }] });
    run.fail(latestAction(run, 'charge'), FATAL);
    expect(run.state.status).toBe('SUSPENDED');
    expect(run.state.suspension).toMatchObject({ step: 'charge' });
  });

  it('TIMEOUT matches a timed-out attempt; the first matching rule wins; other codes follow the defaults', () => {
    const rules = [
      { codes: ['TIMEOUT'], then: 'compensate' },
      { codes: ['TIMEOUT', 'BUSY'], then: 'suspend' },
    ];
    const timedOut = new SagaRun(definitionOf([step('hold'), step('book', { onError: rules })]));
    timedOut.start();
    timedOut.complete('hold');
    const decision = timedOut.timeout(latestAction(timedOut, 'book'));
    expect(timedOut.state.status).toBe('COMPENSATING');
    expect(timedOut.step('book').status).toBe('UNKNOWN');
    expect(commandsOf(decision).map((c) => `${c.kind}:${c.step}`)).toEqual(['compensation:book']);

    const other = new SagaRun(definitionOf([step('hold'), step('book', { onError: rules })]));
    other.start();
    other.complete('hold');
    other.fail(latestAction(other, 'book'), { code: 'ELSE', message: 'x', retryable: true });
    expect(other.state.status).toBe('RUNNING');
    expect(other.retryOf('book')).toBeDefined();
  });
});

describe('retry jitter', () => {
  it('full jitter draws each delay between 0 and the computed one; none keeps it', () => {
    const delayOf = (jitter: 'none' | 'full', random: number) => {
      const run = new SagaRun(
        definitionOf([step('book', { retry: { attempts: 3, backoff: '1s', multiplier: 2, jitter } })]),
      );
      run.random = () => random;
      run.start();
      run.fail(run.lastCommand, RETRYABLE);
      return Date.parse(run.retryOf('book').fireAt) - run.clock.now().getTime();
    };
    expect([0, 0.5, 0.999].map((random) => delayOf('none', random))).toEqual([1_000, 1_000, 1_000]);
    expect([0, 0.5, 0.999].map((random) => delayOf('full', random))).toEqual([0, 500, 999]);
  });

  it('applies to compensation retries too', () => {
    const run = new SagaRun(
      definitionOf([
        step('book', { compensationRetry: { attempts: 3, backoff: '2s', jitter: 'full' } }),
        step('pay'),
      ]),
    );
    run.start();
    run.complete('book');
    run.fail(run.lastCommand, FATAL);
    run.fail(run.lastCommand, RETRYABLE);
    expect(Date.parse(run.retryOf('book', 'compensation').fireAt) - run.clock.now().getTime()).toBe(1_000);
  });
});
