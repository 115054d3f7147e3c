import type { ReplyError } from 'saga-orchestrator-sdk/contracts';
import { FATAL, logEntry, onlyCommand, orderRunAfter, type SagaRun } from './fixtures';

const COMP_RETRYABLE: ReplyError = { code: 'LOCKED', message: 'ledger locked', retryable: true };

/** Ship fails for good; RefundPayment (compensationRetry: 2 attempts, 2s backoff ×3) then fails twice. */
function compensationFailed(): SagaRun {
  const run = orderRunAfter(2);
  run.clock.advance(400);
  run.fail(run.lastCommand, FATAL);
  run.fail(run.lastCommand, COMP_RETRYABLE);
  run.retry('charge', 'compensation');
  run.fail(run.lastCommand, COMP_RETRYABLE);
  return run;
}

describe('an operator retry of a COMPENSATION_FAILED saga', () => {
  it('sends the failed compensation again as the next attempt and compensates again', () => {
    const run = compensationFailed();
    expect(run.state.status).toBe('COMPENSATION_FAILED');

    const decision = run.apply({ type: 'operator-retry', causationId: 'req-9' });
    const command = onlyCommand(decision);

    expect(run.state.status).toBe('COMPENSATING');
    expect(command).toMatchObject({
      type: 'RefundPayment',
      kind: 'compensation',
      attempt: 3,
      causation_id: 'req-9',
    });
    expect(run.step('charge').compensation).toMatchObject({
      status: 'RUNNING',
      attempts: 3,
      finishedAt: null,
    });
    expect(logEntry(decision, 'SagaRetried')).toMatchObject({
      step: 'charge',
      data: { previousAttempts: 2 },
    });

    run.succeed(command);
    expect(onlyCommand(run.last)).toMatchObject({ type: 'ReleaseInventory', attempt: 1 });
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
  });

  it('gives the compensation a fresh retry budget with backoff starting over', () => {
    const run = compensationFailed();
    run.apply({ type: 'operator-retry', causationId: 'req-9' });
    run.clock.advance(100);
    const failed = run.fail(run.lastCommand, COMP_RETRYABLE);

    expect(logEntry(failed, 'CompensationAttemptFailed').data).toMatchObject({ attempt: 3 });
    expect(run.retryOf('charge', 'compensation')).toMatchObject({
      timer: { attempt: 4 },
      fireAt: new Date(run.clock.now().getTime() + 2_000).toISOString(),
    });
    run.retry('charge', 'compensation');
    run.fail(run.lastCommand, COMP_RETRYABLE);
    expect(run.state.status).toBe('COMPENSATION_FAILED');
  });

  it.each(['RUNNING', 'COMPLETED', 'COMPENSATING'])('changes nothing for a %s saga', (status) => {
    const run = orderRunAfter(status === 'COMPLETED' ? 3 : 1);
    if (status === 'COMPENSATING') run.fail(run.lastCommand, FATAL);
    expect(run.state.status).toBe(status);

    const decision = run.apply({ type: 'operator-retry', causationId: 'req-9' });
    expect(decision).toMatchObject({ changed: false, effects: [], events: [] });
  });
});

describe('an operator abort of a RUNNING saga', () => {
  it('gives up on the outstanding step (outcome unknown) and compensates it, then the earlier ones', () => {
    const run = orderRunAfter(1);
    const charge = run.lastCommand;
    const decision = run.apply({
      type: 'operator-abort',
      reason: 'customer cancelled',
      causationId: 'req-3',
    });

    expect(logEntry(decision, 'SagaAborted').data).toEqual({ reason: 'customer cancelled', actor: null });
    expect(run.state).toMatchObject({
      status: 'COMPENSATING',
      compensationCause: { reason: 'aborted', step: 'charge' },
    });
    expect(run.step('charge')).toMatchObject({ status: 'UNKNOWN', outstanding: null });
    expect(onlyCommand(decision)).toMatchObject({
      type: 'RefundPayment',
      causation_id: 'req-3',
      payload: { output: null },
    });
    expect(decision.effects).toContainEqual({ type: 'cancel-timer', key: 'charge:action:timeout:1' });

    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
    // No action after the abort: only reserve and the charge in flight were ever sent.
    expect(run.sent.filter((c) => c.kind === 'action').map((c) => c.type)).toEqual([
      'ReserveInventory',
      charge.type,
    ]);
  });

  it('marks a step waiting for a retry after a plain failure FAILED and does not compensate it', () => {
    const run = orderRunAfter(1);
    run.fail(run.lastCommand, { code: 'BUSY', message: 'busy', retryable: true });
    const decision = run.apply({ type: 'operator-abort', reason: 'stop', causationId: 'req-4' });

    expect(run.step('charge').status).toBe('FAILED');
    expect(onlyCommand(decision)).toMatchObject({ type: 'ReleaseInventory' });
  });

  it.each(['COMPLETED', 'COMPENSATING'])('changes nothing for a %s saga', (status) => {
    const run = orderRunAfter(status === 'COMPLETED' ? 3 : 1);
    if (status === 'COMPENSATING') run.fail(run.lastCommand, FATAL);
    const decision = run.apply({ type: 'operator-abort', reason: 'late', causationId: 'req-5' });
    expect(decision).toMatchObject({ changed: false, effects: [], events: [] });
  });
});
