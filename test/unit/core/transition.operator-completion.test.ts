import type { ReplyError } from 'saga-orchestrator-sdk/contracts';
import { definitionOf, step } from './definitions';
import {
  FATAL,
  RETRYABLE,
  SagaRun,
  cancelledKeysOf,
  logEntry,
  onlyCommand,
  orderRunAfter,
  orderSaga,
} from './fixtures';

const COMP_RETRYABLE: ReplyError = { code: 'LOCKED', message: 'ledger locked', retryable: true };
const byHand = { reason: 'done in the back office', causationId: 'req-7', actor: 'a1b2c3d4' };

describe('an operator completes a step by hand', () => {
  it('takes the running step as succeeded with the given output, goes on, and ignores the late reply', () => {
    const run = orderRunAfter(1);
    const charge = run.lastCommand;
    const decision = run.apply({
      type: 'operator-complete-step',
      step: 'charge',
      output: { paymentId: 'manual-1' },
      ...byHand,
    });

    expect(run.step('charge')).toMatchObject({ status: 'SUCCEEDED', output: { paymentId: 'manual-1' } });
    expect(cancelledKeysOf(decision)).toContain('charge:action:timeout:1');
    expect(logEntry(decision, 'StepCompletedByOperator')).toMatchObject({
      step: 'charge',
      data: { output: { paymentId: 'manual-1' }, reason: 'done in the back office', actor: 'a1b2c3d4' },
    });
    const ship = onlyCommand(decision);
    expect(ship).toMatchObject({ step: 'ship', causation_id: 'req-7' });
    expect(ship.payload).toMatchObject({ label: 'order o-1 paid by manual-1' });

    const late = run.succeed(charge, { paymentId: 'late' });
    expect(late.changed).toBe(false);
    expect(run.step('charge').output).toEqual({ paymentId: 'manual-1' });
  });

  it('drops the retry a step was waiting for', () => {
    const run = orderRunAfter(1);
    run.fail(run.lastCommand, RETRYABLE);
    const decision = run.apply({ type: 'operator-complete-step', step: 'charge', output: {}, ...byHand });
    expect(cancelledKeysOf(decision)).toContain('charge:action:retry:2');
    expect(onlyCommand(decision)).toMatchObject({ step: 'ship' });
  });

  it('resumes a saga suspended on that step', () => {
    const run = new SagaRun(
      definitionOf([
        step('a'),
        step('b', { retry: { attempts: 1 }, onError: [{ codes: ['BUSY'], then: 'suspend' }] }),
        step('c'),
      ]),
    );
    run.start();
    run.complete('a');
    run.fail(run.lastCommand, RETRYABLE);
    expect(run.state.status).toBe('SUSPENDED');

    const decision = run.apply({ type: 'operator-complete-step', step: 'b', output: { n: 1 }, ...byHand });
    expect(run.state.status).toBe('RUNNING');
    expect(run.state.suspension).toBeNull();
    expect(onlyCommand(decision)).toMatchObject({ step: 'c' });
  });

  it('changes nothing for a step that has not started, has succeeded, or while the saga compensates', () => {
    const run = orderRunAfter(1);
    const notStarted = run.apply({ type: 'operator-complete-step', step: 'ship', output: {}, ...byHand });
    const succeeded = run.apply({ type: 'operator-complete-step', step: 'reserve', output: {}, ...byHand });
    run.fail(run.lastCommand, FATAL);
    const compensating = run.apply({ type: 'operator-complete-step', step: 'charge', output: {}, ...byHand });
    for (const decision of [notStarted, succeeded, compensating]) {
      expect(decision.changed).toBe(false);
      expect(decision.effects).toEqual([]);
    }
  });
});

describe('an operator completes a compensation by hand', () => {
  /** Ship fails for good; RefundPayment then fails twice: COMPENSATION_FAILED with inventory still reserved. */
  function compensationFailed(): SagaRun {
    const run = orderRunAfter(2);
    run.fail(run.lastCommand, FATAL);
    run.fail(run.lastCommand, COMP_RETRYABLE);
    run.retry('charge', 'compensation');
    run.fail(run.lastCommand, COMP_RETRYABLE);
    return run;
  }

  it('lets a COMPENSATION_FAILED saga go on compensating the earlier steps, its error cleared', () => {
    const run = compensationFailed();
    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.state.errors).toHaveLength(1);

    const decision = run.apply({ type: 'operator-complete-compensation', step: 'charge', ...byHand });
    expect(run.state.status).toBe('COMPENSATING');
    expect(run.step('charge').compensation?.status).toBe('SUCCEEDED');
    expect(run.state.errors).toEqual([]);
    expect(logEntry(decision, 'CompensationCompletedByOperator').data).toEqual({
      reason: 'done in the back office',
      actor: 'a1b2c3d4',
    });
    expect(onlyCommand(decision)).toMatchObject({ type: 'ReleaseInventory', causation_id: 'req-7' });
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
  });

  it('takes a running compensation as done and drops its timers', () => {
    const run = orderRunAfter(2);
    run.fail(run.lastCommand, FATAL);
    const refund = run.lastCommand;
    const decision = run.apply({ type: 'operator-complete-compensation', step: 'charge', ...byHand });
    expect(cancelledKeysOf(decision)).toContain('charge:compensation:timeout:1');
    expect(onlyCommand(decision)).toMatchObject({ type: 'ReleaseInventory' });
    expect(run.succeed(refund).changed).toBe(false);
  });

  it('changes nothing for a compensation that has not started or already succeeded', () => {
    const run = orderRunAfter(2);
    const notStarted = run.apply({ type: 'operator-complete-compensation', step: 'reserve', ...byHand });
    expect(notStarted.changed).toBe(false);
    run.fail(run.lastCommand, FATAL);
    run.succeed(run.lastCommand);
    const again = run.apply({ type: 'operator-complete-compensation', step: 'charge', ...byHand });
    expect(again.changed).toBe(false);
  });
});

describe('the lifecycle events of an operator completion', () => {
  it('publishes StepSucceeded with the operator output for a step completed by hand, nothing for a compensation', () => {
    const run = new SagaRun({ ...orderSaga(), lifecycleEvents: 'all' });
    run.start();
    run.complete('reserve', { reservationId: 'r-1' });
    const decision = run.apply({
      type: 'operator-complete-step',
      step: 'charge',
      output: { paymentId: 'manual-1' },
      ...byHand,
    });
    const published = decision.effects.flatMap((effect) =>
      effect.type === 'publish-event' ? [effect.event] : [],
    );
    expect(published).toEqual([
      expect.objectContaining({ type: 'StepSucceeded', step: 'charge', output: { paymentId: 'manual-1' } }),
    ]);

    run.fail(run.lastCommand, FATAL);
    const refund = run.lastCommand;
    expect(refund).toMatchObject({ type: 'RefundPayment' });
    const byHandRefund = run.apply({ type: 'operator-complete-compensation', step: 'charge', ...byHand });
    expect(byHandRefund.effects.filter((effect) => effect.type === 'publish-event')).toEqual([]);
  });
});
