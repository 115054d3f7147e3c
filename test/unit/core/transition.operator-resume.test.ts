import { definitionOf, group, step } from './definitions';
import { FATAL, RETRYABLE, SagaRun, commandsOf } from './fixtures';

// An operator retry of a SUSPENDED saga resumes it, and the resume first decides a sibling's failure that arrived
// while it was suspended: that may start compensation, or suspend the saga again on the sibling.

/** A group of two members; `a` suspends the saga on `suspendOn`, `b` has one attempt. */
function suspendedGroupRun(suspendOn: string): SagaRun {
  const run = new SagaRun(
    definitionOf([
      group('g', [
        step('a', { retry: { attempts: 1 }, onError: [{ codes: [suspendOn], then: 'suspend' }] }),
        step('b', { retry: { attempts: 1 } }),
      ]),
    ]),
  );
  run.start();
  return run;
}

function action(run: SagaRun, name: string) {
  return run.sent.find((command) => command.step === name && command.kind === 'action')!;
}

describe('an operator retry that resumes a saga whose group sibling failed meanwhile', () => {
  it('sends no action once the resume began compensation', () => {
    const run = suspendedGroupRun('BUSY');
    run.fail(action(run, 'a'), { code: 'BUSY', message: 'busy', retryable: true });
    run.fail(action(run, 'b'), FATAL);
    expect(run.state.status).toBe('SUSPENDED');

    const retried = run.apply({ type: 'operator-retry', causationId: 'op-1' });

    expect(commandsOf(retried).filter((command) => command.kind === 'action')).toEqual([]);
    expect(run.state.status).toBe('COMPENSATED');
    expect(run.step('a').status).toBe('FAILED');
  });

  it('never sends a step its action and its compensation in one decision', () => {
    const run = suspendedGroupRun('TIMEOUT');
    run.timeout(action(run, 'a'));
    run.fail(action(run, 'b'), FATAL);
    expect(run.state.status).toBe('SUSPENDED');

    const retried = run.apply({ type: 'operator-retry', causationId: 'op-1' });

    expect(commandsOf(retried).map((command) => `${command.kind} ${command.step}`)).toEqual([
      'compensation a',
    ]);
  });

  it('keeps the new attempt for the next resume when the sibling suspends the saga again, payload included', () => {
    const run = new SagaRun(
      definitionOf([
        group('g', [
          step('a', { retry: { attempts: 1 }, onError: [{ codes: ['BUSY'], then: 'suspend' }] }),
          step('b', { retry: { attempts: 1 }, onError: [{ codes: ['LOCKED'], then: 'suspend' }] }),
        ]),
      ]),
    );
    run.start();
    run.fail(action(run, 'a'), RETRYABLE);
    run.fail(action(run, 'b'), { code: 'LOCKED', message: 'locked', retryable: false });

    const first = run.apply({ type: 'operator-retry', causationId: 'op-1', payload: { fixed: true } });
    expect(commandsOf(first)).toEqual([]);
    expect(run.state.suspension).toMatchObject({ step: 'b' });

    const second = run.apply({ type: 'operator-retry', causationId: 'op-2' });
    expect(commandsOf(second).map((c) => [c.step, c.attempt, c.payload, c.causation_id])).toEqual([
      ['a', 2, { fixed: true }, 'op-2'],
      ['b', 2, {}, 'op-2'],
    ]);
    run.succeed(run.sent.find((c) => c.step === 'a' && c.attempt === 2)!);
    run.succeed(run.sent.find((c) => c.step === 'b' && c.attempt === 2)!);
    expect(run.state.status).toBe('COMPLETED');
  });

  it('counts a late success of the suspended member as done before the sibling failure the resume decides', () => {
    const run = new SagaRun(
      definitionOf([
        step('s0'),
        group('g', [
          step('a', { retry: { attempts: 2 }, onError: [{ codes: ['X'], then: 'suspend' }] }),
          step('b', { retry: { attempts: 1 } }),
        ]),
      ]),
    );
    run.start();
    run.complete('s0');
    const firstOfA = action(run, 'a');
    run.timeout(firstOfA);
    run.retry('a');
    run.fail(run.sent.filter((c) => c.step === 'a').at(-1)!, { code: 'X', message: 'x', retryable: false });
    run.fail(action(run, 'b'), FATAL);
    expect(run.state.status).toBe('SUSPENDED');

    const late = run.succeed(firstOfA, { ticket: 't' });

    // `a` succeeded after `s0`: it is undone first, alone; `s0` waits for it.
    expect(commandsOf(late).map((c) => `${c.kind} ${c.step}`)).toEqual(['compensation a']);
    expect(commandsOf(late)[0]!.payload.output).toEqual({ ticket: 't' });
    const undone = run.succeed(commandsOf(late)[0]!);
    expect(commandsOf(undone).map((c) => `${c.kind} ${c.step}`)).toEqual(['compensation s0']);
  });

  it('compensates, without sending the new attempt, when the deadline passed while the saga was suspended', () => {
    const run = new SagaRun(
      definitionOf([step('s0'), step('b', { onError: [{ codes: ['X'], then: 'suspend' }] })], {
        timeout: '5s',
      }),
    );
    run.start();
    run.complete('s0');
    run.fail(action(run, 'b'), { code: 'X', message: 'x', retryable: false });
    run.clock.advance(60_000);

    const retried = run.apply({ type: 'operator-retry', causationId: 'op-1' });

    expect(run.state.status).toBe('COMPENSATING');
    expect(commandsOf(retried).map((c) => `${c.kind} ${c.step}`)).toEqual(['compensation s0']);
  });
});
