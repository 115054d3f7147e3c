import type { Command, ReplyError } from 'saga-orchestrator-sdk/contracts';
import {
  at,
  cancelledKeysOf,
  commandsOf,
  FATAL,
  logEntry,
  logTypesOf,
  onlyCommand,
  OUTPUTS,
  orderRunAfter,
  RETRYABLE,
  type SagaRun,
  scheduledOf,
} from './fixtures';

const TIMEOUT_ERROR = (attempt: number, ms: number): ReplyError => ({
  code: 'TIMEOUT',
  message: `attempt ${attempt} got no reply within ${ms}ms`,
  retryable: true,
});

describe('an attempt timeout with attempts left', () => {
  it('records the timeout and schedules a retry at now + backoff', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    const decision = run.timeout(first);

    expect(run.clock.nowIso()).toBe(first.deadline);
    expect(decision.changed).toBe(true);
    expect(commandsOf(decision)).toEqual([]);
    expect(scheduledOf(decision)).toEqual([
      {
        type: 'schedule-timer',
        key: 'charge:action:retry:2',
        fireAt: at(21_000 + 500),
        timer: { type: 'retry', step: 'charge', kind: 'action', attempt: 2, causationId: first.message_id },
      },
    ]);
    expect(decision.events).toEqual([
      {
        type: 'StepAttemptTimedOut',
        at: at(21_000),
        step: 'charge',
        data: {
          messageId: first.message_id,
          timedOut: true,
          attempt: 1,
          error: TIMEOUT_ERROR(1, 20_000),
          retryAt: at(21_500),
        },
      },
    ]);
    expect(run.step('charge')).toMatchObject({
      status: 'RUNNING',
      outstanding: null,
      lastAttemptTimedOut: true,
      error: TIMEOUT_ERROR(1, 20_000),
    });
  });

  it("sends the retry caused by the timed-out command's message id", () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    const retry = onlyCommand(run.retry('charge'));

    expect(retry).toMatchObject({
      attempt: 2,
      causation_id: first.message_id,
      idempotency_key: 'saga-1:charge:action',
      timestamp: at(21_500),
      deadline: at(41_500),
    });
    expect(retry.message_id).not.toBe(first.message_id);
  });

  it('clears the timed-out flag when a later attempt gets a reply', () => {
    const run = orderRunAfter(1);
    run.timeout(run.lastCommand);
    run.retry('charge');
    run.fail(run.lastCommand, RETRYABLE);

    expect(run.step('charge')).toMatchObject({ lastAttemptTimedOut: false, error: RETRYABLE });
  });
});

describe('attempts exhausted by timeouts', () => {
  function exhaustShip(): { run: SagaRun; lastShip: Command } {
    const run = orderRunAfter(2);
    run.timeout(run.lastCommand);
    run.retry('ship');
    const lastShip = run.lastCommand;
    run.timeout(lastShip);
    return { run, lastShip };
  }

  it('marks the step UNKNOWN and starts compensation with it', () => {
    const { run, lastShip } = exhaustShip();
    const decision = run.last;

    expect(run.step('ship')).toMatchObject({
      status: 'UNKNOWN',
      attempts: 2,
      output: null,
      outstanding: null,
      finishedAt: lastShip.deadline,
      lastAttemptTimedOut: true,
    });
    expect(logTypesOf(decision)).toEqual(['StepFailed', 'CompensationStarted', 'CommandSent']);
    expect(logEntry(decision, 'StepFailed').data).toEqual({
      messageId: lastShip.message_id,
      timedOut: true,
      attempt: 2,
      error: TIMEOUT_ERROR(2, 5_000),
      outcome: 'unknown',
    });
    expect(run.state).toMatchObject({
      status: 'COMPENSATING',
      compensationCause: { reason: 'step-failed', step: 'ship', at: lastShip.deadline },
    });
  });

  it('compensates the unknown step first, with output null, caused by the timed-out command', () => {
    const { run, lastShip } = exhaustShip();

    expect(onlyCommand(run.last)).toEqual({
      message_id: 'msg-5',
      type: 'CancelShipment',
      kind: 'compensation',
      saga: { id: 'saga-1', name: 'order-fulfillment', version: 1 },
      step: 'ship',
      attempt: 1,
      idempotency_key: 'saga-1:ship:compensation',
      correlation_id: 'corr-1',
      causation_id: lastShip.message_id,
      timestamp: lastShip.deadline,
      deadline: new Date(Date.parse(lastShip.deadline) + 5_000).toISOString(),
      payload: { ...lastShip.payload, output: null },
    });
    expect(run.step('ship').compensation).toMatchObject({ status: 'RUNNING', attempts: 1 });
  });

  it('then compensates the earlier steps, latest first, and ends COMPENSATED', () => {
    const { run } = exhaustShip();
    const refund = onlyCommand(run.succeed(run.lastCommand));
    const release = onlyCommand(run.succeed(refund));
    const done = run.succeed(release);

    expect([refund, release].map((c) => [c.step, c.type, c.causation_id])).toEqual([
      ['charge', 'RefundPayment', 'reply-to-msg-5'],
      ['reserve', 'ReleaseInventory', `reply-to-${refund.message_id}`],
    ]);
    expect(refund.payload.output).toEqual(OUTPUTS.charge);
    expect(run.state.status).toBe('COMPENSATED');
    expect(logTypesOf(done)).toEqual(['CompensationSucceeded', 'SagaCompensated']);
    expect(run.state.steps.map((s) => [s.name, s.status, s.compensation?.status])).toEqual([
      ['reserve', 'SUCCEEDED', 'SUCCEEDED'],
      ['charge', 'SUCCEEDED', 'SUCCEEDED'],
      ['ship', 'UNKNOWN', 'SUCCEEDED'],
    ]);
  });

  it.each<[string, (run: SagaRun) => void, string, string[]]>([
    [
      'timeout, then a non-retryable failure',
      (run) => {
        run.timeout(run.lastCommand);
        run.retry('ship');
        run.fail(run.lastCommand, FATAL);
      },
      'FAILED',
      ['charge', 'reserve'],
    ],
    [
      'retryable failure, then timeout',
      (run) => {
        run.fail(run.lastCommand, RETRYABLE);
        run.retry('ship');
        run.timeout(run.lastCommand);
      },
      'UNKNOWN',
      ['ship', 'charge', 'reserve'],
    ],
    [
      'timeout, then a retryable failure of the last attempt',
      (run) => {
        run.timeout(run.lastCommand);
        run.retry('ship');
        run.fail(run.lastCommand, RETRYABLE);
      },
      'FAILED',
      ['charge', 'reserve'],
    ],
  ])('judges the step by its last attempt: %s', (_, act, status, compensated) => {
    const run = orderRunAfter(2);
    act(run);
    while (run.state.status === 'COMPENSATING') run.succeed(run.lastCommand);

    expect(run.step('ship').status).toBe(status);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.step)).toEqual(compensated);
    expect(run.state.status).toBe('COMPENSATED');
  });
});

describe('an unknown step without a compensation', () => {
  it('is skipped: only the earlier steps are compensated', () => {
    const run = orderRunAfter(2, { steps: { ship: { compensation: null, retry: { attempts: 1 } } } });
    const decision = run.timeout(run.lastCommand);

    expect(run.step('ship')).toMatchObject({ status: 'UNKNOWN', compensation: null });
    expect(onlyCommand(decision)).toMatchObject({ step: 'charge', type: 'RefundPayment' });
    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.step)).toEqual([
      'charge',
      'reserve',
    ]);
    expect(run.state.status).toBe('COMPENSATED');
  });
});

describe('stale attempt timeouts', () => {
  it.each<[string, (run: SagaRun, first: Command) => void]>([
    ['after a success reply', (run, first) => run.succeed(first, OUTPUTS.charge)],
    ['after a retryable failure reply', (run, first) => run.fail(first, RETRYABLE)],
    [
      'after the retry was sent',
      (run, first) => {
        run.fail(first, RETRYABLE);
        run.retry('charge');
      },
    ],
  ])('changes nothing when the attempt was already answered: %s', (_, answer) => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    answer(run, first);
    const before = run.state;
    const decision = run.fireNow(run.timeoutOf(first).timer);

    expect(decision).toEqual({ state: before, changed: false, effects: [], events: [] });
  });

  it('changes nothing when the same attempt timeout fires twice', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    const before = run.state;
    const again = run.fireNow(run.timeoutOf(first).timer);

    expect(again).toEqual({ state: before, changed: false, effects: [], events: [] });
    expect(scheduledOf(run.decisions[run.decisions.length - 2]!)).toHaveLength(1);
  });

  it('ignores a timeout whose message id does not match the outstanding attempt', () => {
    const run = orderRunAfter(1);
    const decision = run.fireNow({
      type: 'attempt-timeout',
      step: 'charge',
      kind: 'action',
      attempt: 1,
      messageId: 'someone-else',
    });

    expect(decision).toMatchObject({ changed: false, effects: [], events: [] });
    expect(run.step('charge').outstanding).not.toBeNull();
  });
});

describe('the whole-saga deadline', () => {
  const SAGA_TIMEOUT = 60_000;

  it('marks an outstanding attempt UNKNOWN and compensates it, then the earlier steps', () => {
    const run = orderRunAfter(2, { timeout: SAGA_TIMEOUT });
    const ship = run.lastCommand;
    const decision = run.fire(run.sagaDeadline());

    expect(run.clock.nowIso()).toBe(at(SAGA_TIMEOUT));
    expect(logTypesOf(decision)).toEqual([
      'SagaDeadlinePassed',
      'StepFailed',
      'CompensationStarted',
      'CommandSent',
    ]);
    expect(logEntry(decision, 'SagaDeadlinePassed').data).toEqual({ deadline: at(SAGA_TIMEOUT) });
    expect(logEntry(decision, 'StepFailed').data).toEqual({
      reason: 'saga deadline passed',
      outcome: 'unknown',
    });
    expect(cancelledKeysOf(decision)).toEqual(['ship:action:timeout:1', 'saga-deadline']);
    expect(run.step('ship')).toMatchObject({
      status: 'UNKNOWN',
      outstanding: null,
      finishedAt: at(SAGA_TIMEOUT),
    });
    expect(run.state).toMatchObject({
      status: 'COMPENSATING',
      compensationCause: { reason: 'saga-deadline', step: 'ship', at: at(SAGA_TIMEOUT) },
    });
    expect(onlyCommand(decision)).toMatchObject({
      type: 'CancelShipment',
      kind: 'compensation',
      causation_id: ship.message_id,
      payload: { ...ship.payload, output: null },
    });

    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.type)).toEqual([
      'CancelShipment',
      'RefundPayment',
      'ReleaseInventory',
    ]);
    expect(run.state.status).toBe('COMPENSATED');
  });

  it('marks a step waiting for a retry after a plain failure FAILED and does not compensate it', () => {
    const run = orderRunAfter(2, { timeout: SAGA_TIMEOUT });
    run.fail(run.lastCommand, RETRYABLE);
    const decision = run.fire(run.sagaDeadline());

    expect(logEntry(decision, 'StepFailed').data).toEqual({
      reason: 'saga deadline passed',
      outcome: 'failed',
    });
    expect(cancelledKeysOf(decision)).toEqual(['ship:action:retry:2', 'saga-deadline']);
    expect(run.step('ship')).toMatchObject({ status: 'FAILED', attempts: 1, compensation: null });
    expect(onlyCommand(decision)).toMatchObject({
      step: 'charge',
      type: 'RefundPayment',
      causation_id: 'saga-1',
    });

    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.step)).toEqual([
      'charge',
      'reserve',
    ]);
    expect(run.step('ship').compensation).toBeNull();
    expect(run.state.status).toBe('COMPENSATED');
  });

  it('marks a step waiting for a retry after a timeout UNKNOWN and compensates it', () => {
    const run = orderRunAfter(2, { timeout: SAGA_TIMEOUT });
    const ship = run.lastCommand;
    run.timeout(ship);
    const decision = run.fire(run.sagaDeadline());

    expect(run.step('ship').status).toBe('UNKNOWN');
    expect(cancelledKeysOf(decision)).toEqual(['ship:action:retry:2', 'saga-deadline']);
    expect(onlyCommand(decision)).toMatchObject({
      step: 'ship',
      kind: 'compensation',
      payload: { output: null },
    });
  });

  it('never sends the pending retry of the action after the deadline', () => {
    const run = orderRunAfter(2, { timeout: SAGA_TIMEOUT });
    run.fail(run.lastCommand, RETRYABLE);
    const retry = run.retryOf('ship');
    run.fire(run.sagaDeadline());
    const before = run.state;
    const late = run.fireNow(retry.timer);

    expect(late).toEqual({ state: before, changed: false, effects: [], events: [] });
    expect(run.sent.filter((c) => c.step === 'ship' && c.kind === 'action')).toHaveLength(1);
  });

  it.each<[string, (run: SagaRun) => void, string]>([
    [
      'the saga completed',
      (run) => {
        run.complete('ship');
      },
      'COMPLETED',
    ],
    [
      'compensation is running',
      (run) => {
        run.fail(run.lastCommand, FATAL);
      },
      'COMPENSATING',
    ],
    [
      'the saga was compensated',
      (run) => {
        run.fail(run.lastCommand, FATAL);
        run.succeed(run.lastCommand);
        run.succeed(run.lastCommand);
      },
      'COMPENSATED',
    ],
  ])('changes nothing once %s', (_, act, status) => {
    const run = orderRunAfter(2, { timeout: SAGA_TIMEOUT });
    act(run);
    const before = run.state;
    const decision = run.fire(run.sagaDeadline());

    expect(before.status).toBe(status);
    expect(decision).toEqual({ state: before, changed: false, effects: [], events: [] });
  });

  it('passes while the first step is outstanding: nothing to undo but that step', () => {
    const run = orderRunAfter(0, { timeout: SAGA_TIMEOUT });
    run.fire(run.sagaDeadline());
    const release = run.lastCommand;

    expect(release).toMatchObject({ step: 'reserve', kind: 'compensation', causation_id: 'msg-1' });
    run.succeed(release);
    expect(run.state.status).toBe('COMPENSATED');
  });
});
