import type { Command } from 'saga-orchestrator-sdk/contracts';
import { definitionOf, group, step } from './definitions';
import { FATAL, RETRYABLE, SagaRun, commandsOf, logTypesOf } from './fixtures';

const ticket = (reserved: Command) => `${reserved.step}-ok`;

/** A saga of `book` then a group `travel` of three members, then `confirm`. */
function travelRun(compensation: 'parallel' | 'reverse' = 'parallel'): SagaRun {
  const run = new SagaRun(
    definitionOf([
      step('book'),
      group('travel', [step('flight'), step('hotel'), step('car')], compensation),
      step('confirm'),
    ]),
  );
  run.start();
  run.complete('book', { id: 'b-1' });
  return run;
}

function outstandingActions(run: SagaRun): Command[] {
  return run.sent.filter((command) => {
    const state = run.step(command.step);
    return command.kind === 'action' && state.outstanding?.messageId === command.message_id;
  });
}

function action(run: SagaRun, stepName: string): Command {
  const found = run.sent.filter((c) => c.step === stepName && c.kind === 'action').at(-1);
  if (found === undefined) throw new Error(`no action of ${stepName}`);
  return found;
}

function compensationsIn(decisionCommands: Command[]): string[] {
  return decisionCommands.filter((c) => c.kind === 'compensation').map((c) => c.step);
}

describe('parallel groups', () => {
  it('starts every member of a group in one decision, and the next stage once all of them succeeded', () => {
    const run = new SagaRun(
      definitionOf([step('book'), group('travel', [step('flight'), step('hotel')]), step('confirm')]),
    );
    run.start();
    const booked = run.complete('book');

    expect(commandsOf(booked).map((c) => c.step)).toEqual(['flight', 'hotel']);
    const flight = run.succeed(action(run, 'flight'), { ticket: ticket(action(run, 'flight')) });
    expect(commandsOf(flight)).toEqual([]);
    const hotel = run.succeed(action(run, 'hotel'));
    expect(commandsOf(hotel).map((c) => c.step)).toEqual(['confirm']);
  });

  it('waits for a member still outstanding before compensating, then undoes the group at once, then the steps before', () => {
    const run = travelRun('parallel');
    run.succeed(action(run, 'flight'));
    const failed = run.fail(action(run, 'hotel'), FATAL);

    expect(run.state.status).toBe('COMPENSATING');
    expect(commandsOf(failed)).toEqual([]);
    expect(outstandingActions(run).map((c) => c.step)).toEqual(['car']);

    const carDone = run.succeed(action(run, 'car'));
    expect(compensationsIn(commandsOf(carDone)).sort()).toEqual(['car', 'flight']);

    run.succeed(run.sent.find((c) => c.kind === 'compensation' && c.step === 'flight')!);
    const last = run.succeed(run.sent.find((c) => c.kind === 'compensation' && c.step === 'car')!);
    expect(compensationsIn(commandsOf(last))).toEqual(['book']);
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
    expect(run.step('hotel').compensation).toBeNull();
  });

  it('gives up on a member waiting for a retry when a sibling fails for good: no retry is sent, its outcome stands', () => {
    const run = travelRun();
    run.fail(action(run, 'flight'), RETRYABLE);
    const failed = run.fail(action(run, 'hotel'), FATAL);

    expect(run.step('flight').status).toBe('FAILED');
    expect(logTypesOf(failed)).toContain('CompensationStarted');
    run.succeed(action(run, 'car'));
    expect(run.step('car').status).toBe('SUCCEEDED');
    expect(run.sent.filter((c) => c.step === 'flight' && c.kind === 'action')).toHaveLength(1);
  });

  it('compensates a member whose outstanding attempt times out while the group fails: its outcome is unknown', () => {
    const run = travelRun();
    run.succeed(action(run, 'flight'));
    run.fail(action(run, 'hotel'), FATAL);
    const timedOut = run.timeout(action(run, 'car'));

    expect(run.step('car').status).toBe('UNKNOWN');
    expect(compensationsIn(commandsOf(timedOut)).sort()).toEqual(['car', 'flight']);
    expect(run.sent.filter((c) => c.step === 'car' && c.kind === 'action')).toHaveLength(1);
  });

  it('undoes a reverse group one member at a time, the latest completed first', () => {
    const run = travelRun('reverse');
    run.succeed(action(run, 'car'));
    run.succeed(action(run, 'flight'));
    const failed = run.fail(action(run, 'hotel'), FATAL);

    expect(compensationsIn(commandsOf(failed))).toEqual(['flight']);
    const second = run.succeed(run.lastCommand);
    expect(compensationsIn(commandsOf(second))).toEqual(['car']);
    const third = run.succeed(run.lastCommand);
    expect(compensationsIn(commandsOf(third))).toEqual(['book']);
  });

  it('lets every member compensation finish when one fails for good, then ends COMPENSATION_FAILED listing each failure', () => {
    const run = travelRun('parallel');
    run.succeed(action(run, 'flight'));
    run.succeed(action(run, 'hotel'));
    run.fail(action(run, 'car'), FATAL);
    const compensation = (name: string) =>
      run.sent.filter((c) => c.kind === 'compensation' && c.step === name).at(-1)!;

    run.fail(compensation('flight'), FATAL);
    expect(run.state.status).toBe('COMPENSATING');
    const last = run.fail(compensation('hotel'), FATAL);

    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.state.errors!.map((e) => e.step)).toEqual(['flight', 'hotel']);
    expect(logTypesOf(last)).toEqual(['CompensationFailed', 'SagaCompensationFailed']);
    expect(run.step('book').compensation).toBeNull();
  });

  it('sends every failed member compensation again on an operator retry, then goes on with the earlier steps', () => {
    const run = travelRun('parallel');
    run.succeed(action(run, 'flight'));
    run.succeed(action(run, 'hotel'));
    run.fail(action(run, 'car'), FATAL);
    for (const name of ['flight', 'hotel']) {
      run.fail(run.sent.filter((c) => c.kind === 'compensation' && c.step === name).at(-1)!, FATAL);
    }

    const retried = run.apply({ type: 'operator-retry', causationId: 'op-1' });
    const again = commandsOf(retried);
    expect(again.map((c) => [c.step, c.attempt]).sort()).toEqual([
      ['flight', 2],
      ['hotel', 2],
    ]);
    run.succeed(again[0]!);
    const both = run.succeed(again[1]!);
    expect(compensationsIn(commandsOf(both))).toEqual(['book']);
  });
});
