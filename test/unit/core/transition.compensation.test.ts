import type { ReplyError } from 'saga-orchestrator-sdk/contracts';
import {
  at,
  cancelledKeysOf,
  commandsOf,
  defineSaga,
  FATAL,
  logEntry,
  logTypesOf,
  msBetween,
  onlyCommand,
  type OrderStep,
  OUTPUTS,
  orderRunAfter,
  RETRYABLE,
  SagaRun,
  scheduledOf,
  sendsOf,
} from './fixtures';

const COMP_RETRYABLE: ReplyError = { code: 'LOCKED', message: 'ledger locked', retryable: true };
const COMP_FATAL: ReplyError = { code: 'GONE', message: 'cannot refund', retryable: false };

/** The order saga after reserve and charge succeeded and ship failed for good. */
function failedAtShip(options: Parameters<typeof orderRunAfter>[1] = {}): SagaRun {
  const run = orderRunAfter(2, options);
  run.clock.advance(400);
  run.fail(run.lastCommand, FATAL);
  return run;
}

describe('a non-retryable failure at step 3', () => {
  it('marks the step FAILED and starts compensating', () => {
    const run = failedAtShip({ timeout: 60_000 });
    const decision = run.last;

    expect(run.step('ship')).toMatchObject({ status: 'FAILED', error: FATAL, finishedAt: at(2_400) });
    expect(run.state).toMatchObject({
      status: 'COMPENSATING',
      compensationCause: { reason: 'step-failed', step: 'ship', at: at(2_400) },
    });
    expect(logTypesOf(decision)).toEqual(['StepFailed', 'CompensationStarted', 'CommandSent']);
    expect(logEntry(decision, 'CompensationStarted')).toEqual({
      type: 'CompensationStarted',
      at: at(2_400),
      step: 'ship',
      data: { reason: 'step-failed' },
    });
    expect(cancelledKeysOf(decision)).toEqual(['ship:action:timeout:1', 'saga-deadline']);
  });

  it('sends the compensation of step 2 with the action payload as sent plus its output', () => {
    const run = failedAtShip();
    const charge = run.sent.find((c) => c.step === 'charge')!;

    expect(sendsOf(run.last)).toEqual([
      {
        type: 'send-command',
        participant: 'payments',
        headers: {},
        command: {
          message_id: 'msg-4',
          type: 'RefundPayment',
          kind: 'compensation',
          saga: { id: 'saga-1', name: 'order-fulfillment', version: 1 },
          step: 'charge',
          attempt: 1,
          idempotency_key: 'saga-1:charge:compensation',
          correlation_id: 'corr-1',
          causation_id: 'reply-to-msg-3',
          timestamp: at(2_400),
          deadline: at(2_400 + 20_000),
          payload: { ...charge.payload, output: OUTPUTS.charge },
        },
      },
    ]);
    expect(charge.payload).toEqual({ orderId: 'o-1', amount: 42.5, reservationId: 'r-9' });
    expect(scheduledOf(run.last)).toEqual([
      {
        type: 'schedule-timer',
        key: 'charge:compensation:timeout:1',
        fireAt: at(22_400),
        timer: {
          type: 'attempt-timeout',
          step: 'charge',
          kind: 'compensation',
          attempt: 1,
          messageId: 'msg-4',
        },
      },
    ]);
    expect(run.step('charge').compensation).toEqual({
      status: 'RUNNING',
      attempts: 1,
      error: null,
      startedAt: at(2_400),
      finishedAt: null,
      outstanding: { messageId: 'msg-4', attempt: 1, deadline: at(22_400), sentAt: at(2_400) },
      messageIds: ['msg-4'],
      answeredMessageIds: [],
      budgetStart: 0,
      lastAttemptTimedOut: false,
    });
  });

  it('compensates step 1 only after step 2, then ends COMPENSATED without compensating step 3', () => {
    const run = failedAtShip();
    const refund = run.lastCommand;
    run.clock.advance(100);
    const afterRefund = run.succeed(refund, { refundId: 'rf-1' });
    const release = onlyCommand(afterRefund);

    expect(logTypesOf(afterRefund)).toEqual(['CompensationSucceeded', 'CommandSent']);
    expect(logEntry(afterRefund, 'CompensationSucceeded').data).toEqual({
      messageId: 'reply-to-msg-4',
      inReplyTo: 'msg-4',
      attempt: 1,
      output: { refundId: 'rf-1' },
    });
    expect(cancelledKeysOf(afterRefund)).toEqual(['charge:compensation:timeout:1']);
    expect(release).toMatchObject({
      type: 'ReleaseInventory',
      step: 'reserve',
      idempotency_key: 'saga-1:reserve:compensation',
      causation_id: 'reply-to-msg-4',
      payload: { orderId: 'o-1', sagaId: 'saga-1', output: OUTPUTS.reserve },
      deadline: at(2_500 + 10_000),
    });
    expect(sendsOf(afterRefund)[0]!.participant).toBe('inventory');

    const done = run.succeed(release);
    expect(commandsOf(done)).toEqual([]);
    expect(logTypesOf(done)).toEqual(['CompensationSucceeded', 'SagaCompensated']);
    expect(run.state.status).toBe('COMPENSATED');
    expect(run.state.steps.map((s) => [s.name, s.status, s.compensation?.status ?? null])).toEqual([
      ['reserve', 'SUCCEEDED', 'SUCCEEDED'],
      ['charge', 'SUCCEEDED', 'SUCCEEDED'],
      ['ship', 'FAILED', null],
    ]);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.step)).toEqual([
      'charge',
      'reserve',
    ]);
  });

  it('does not change the step outputs or action payloads while compensating', () => {
    const run = failedAtShip();
    run.succeed(run.lastCommand, { refundId: 'rf-1' });
    run.succeed(run.lastCommand, { released: true });

    expect(run.step('charge')).toMatchObject({ output: OUTPUTS.charge, attempts: 1 });
    expect(run.step('reserve').payload).toEqual({ orderId: 'o-1', sagaId: 'saga-1' });
  });
});

describe('which steps are compensated', () => {
  it.each<[string, OrderStep[], number, string[]]>([
    ['every earlier step has a compensation', [], 2, ['charge', 'reserve']],
    ['step 2 has none: it is skipped', ['charge'], 2, ['reserve']],
    ['step 1 has none: it is skipped', ['reserve'], 2, ['charge']],
    ['no earlier step has one', ['reserve', 'charge'], 2, []],
    ['step 2 fails: only step 1', [], 1, ['reserve']],
    ['step 1 fails: nothing', [], 0, []],
  ])('%s', (_, withoutCompensation, failingIndex, compensated) => {
    const steps = Object.fromEntries(withoutCompensation.map((name) => [name, { compensation: null }]));
    const run = orderRunAfter(failingIndex, { steps });
    run.fail(run.lastCommand, FATAL);
    while (run.state.status === 'COMPENSATING') run.succeed(run.lastCommand);

    expect(run.state.status).toBe('COMPENSATED');
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.step)).toEqual(compensated);
    for (const name of withoutCompensation) expect(run.step(name).compensation).toBeNull();
  });

  it('ends COMPENSATED in the same decision when nothing needs undoing', () => {
    const run = orderRunAfter(0);
    const decision = run.fail(run.lastCommand, FATAL);

    expect(logTypesOf(decision)).toEqual(['StepFailed', 'CompensationStarted', 'SagaCompensated']);
    expect(commandsOf(decision)).toEqual([]);
    expect(run.state.status).toBe('COMPENSATED');
  });

  it('compensates many steps strictly one at a time, in reverse order of completion', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const run = new SagaRun(defineSaga({ steps: names.map((name) => ({ name })) }));
    run.start();
    for (const name of names.slice(0, 4)) run.complete(name, { from: name });
    run.fail(run.lastCommand, FATAL);
    const perDecision: number[] = [];
    while (run.state.status === 'COMPENSATING') {
      perDecision.push(commandsOf(run.last).length);
      run.succeed(run.lastCommand);
    }

    expect(perDecision).toEqual([1, 1, 1, 1]);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => [c.type, c.payload.output])).toEqual([
      ['Undo-d', { from: 'd' }],
      ['Undo-c', { from: 'c' }],
      ['Undo-b', { from: 'b' }],
      ['Undo-a', { from: 'a' }],
    ]);
  });
});

describe('compensation retries', () => {
  it('retries a retryable compensation failure after the compensationRetry backoff', () => {
    const run = failedAtShip();
    const refund = run.lastCommand;
    run.clock.advance(50);
    const failed = run.fail(refund, COMP_RETRYABLE);

    expect(commandsOf(failed)).toEqual([]);
    expect(logTypesOf(failed)).toEqual(['CompensationAttemptFailed']);
    expect(scheduledOf(failed)).toEqual([
      {
        type: 'schedule-timer',
        key: 'charge:compensation:retry:2',
        fireAt: at(2_450 + 2_000),
        timer: {
          type: 'retry',
          step: 'charge',
          kind: 'compensation',
          attempt: 2,
          causationId: `reply-to-${refund.message_id}`,
        },
      },
    ]);
    expect(run.step('charge').compensation).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      error: COMP_RETRYABLE,
      outstanding: null,
    });

    const retry = onlyCommand(run.retry('charge', 'compensation'));
    expect(retry).toEqual({
      ...refund,
      message_id: retry.message_id,
      attempt: 2,
      causation_id: `reply-to-${refund.message_id}`,
      timestamp: at(4_450),
      deadline: at(24_450),
    });
    expect(retry.message_id).not.toBe(refund.message_id);

    run.succeed(retry);
    expect(run.step('charge').compensation).toMatchObject({ status: 'SUCCEEDED', attempts: 2, error: null });
    expect(run.lastCommand).toMatchObject({ step: 'reserve', kind: 'compensation' });
  });

  it('retries a timed-out compensation, caused by the timed-out command', () => {
    const run = failedAtShip();
    const refund = run.lastCommand;
    const timedOut = run.timeout(refund);

    expect(logTypesOf(timedOut)).toEqual(['CompensationAttemptTimedOut']);
    expect(run.step('charge').compensation).toMatchObject({ lastAttemptTimedOut: true, outstanding: null });
    const retry = onlyCommand(run.retry('charge', 'compensation'));
    expect(retry).toMatchObject({ attempt: 2, causation_id: refund.message_id });
  });

  it.each<[number, number[]]>([
    [1, []],
    [3, [1_000, 2_000]],
    [5, [1_000, 2_000, 4_000, 5_000]],
  ])('gives up after %i retryable failures → COMPENSATION_FAILED', (attempts, delays) => {
    const run = failedAtShip({
      steps: { charge: { compensationRetry: { attempts, backoff: '1s', multiplier: 2, maxBackoff: '5s' } } },
    });
    const observed: number[] = [];
    for (let attempt = 1; attempt < attempts; attempt++) {
      const failure = run.fail(run.lastCommand, COMP_RETRYABLE);
      observed.push(msBetween(run.clock.nowIso(), scheduledOf(failure)[0]!.fireAt));
      run.retry('charge', 'compensation');
    }
    const last = run.lastCommand;
    const decision = run.fail(last, COMP_RETRYABLE);

    expect(observed).toEqual(delays);
    expect(run.sent.filter((c) => c.kind === 'compensation').map((c) => c.attempt)).toEqual(
      Array.from({ length: attempts }, (_, i) => i + 1),
    );
    expect(logTypesOf(decision)).toEqual(['CompensationFailed', 'SagaCompensationFailed']);
    expect(logEntry(decision, 'CompensationFailed').data).toEqual({
      messageId: `reply-to-${last.message_id}`,
      attempt: attempts,
      error: COMP_RETRYABLE,
    });
    expect(logEntry(decision, 'SagaCompensationFailed').data).toEqual({ step: 'charge', steps: ['charge'] });
    expect(commandsOf(decision)).toEqual([]);
    expect(scheduledOf(decision)).toEqual([]);
    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.step('charge').compensation).toMatchObject({
      status: 'FAILED',
      attempts,
      error: COMP_RETRYABLE,
    });
    expect(run.step('reserve').compensation).toBeNull();
  });

  it('gives up when compensation attempts are exhausted by timeouts', () => {
    const run = failedAtShip();
    run.timeout(run.lastCommand);
    run.retry('charge', 'compensation');
    const decision = run.timeout(run.lastCommand);

    expect(logTypesOf(decision)).toEqual(['CompensationFailed', 'SagaCompensationFailed']);
    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.step('charge').compensation).toMatchObject({
      status: 'FAILED',
      attempts: 2,
      lastAttemptTimedOut: true,
    });
    expect(run.step('reserve').compensation).toBeNull();
  });

  it('fails the saga at once on a non-retryable compensation failure', () => {
    const run = failedAtShip();
    const decision = run.fail(run.lastCommand, COMP_FATAL);

    expect(logTypesOf(decision)).toEqual(['CompensationFailed', 'SagaCompensationFailed']);
    expect(scheduledOf(decision)).toEqual([]);
    expect(commandsOf(decision)).toEqual([]);
    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.step('charge').compensation).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      error: COMP_FATAL,
    });
    expect(run.step('reserve')).toMatchObject({ status: 'SUCCEEDED', compensation: null });
  });

  it('fails the saga when a later compensation fails, leaving the earlier ones as they are', () => {
    const run = failedAtShip();
    run.succeed(run.lastCommand);
    run.fail(run.lastCommand, COMP_FATAL);

    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(run.state.steps.map((s) => [s.name, s.compensation?.status ?? null])).toEqual([
      ['reserve', 'FAILED'],
      ['charge', 'SUCCEEDED'],
      ['ship', null],
    ]);
  });
});

describe('no action after compensation began', () => {
  it('ignores a retry timer of an action that fires while compensating', () => {
    const run = orderRunAfter(2, { timeout: 60_000 });
    run.fail(run.lastCommand, RETRYABLE);
    const retry = run.retryOf('ship');
    run.fire(run.sagaDeadline());
    expect(run.state.status).toBe('COMPENSATING');
    const before = run.state;

    const decision = run.fireNow(retry.timer);

    expect(decision).toEqual({ state: before, changed: false, effects: [], events: [] });
  });

  it('ignores an action retry timer forged for the failed step while compensating', () => {
    const run = failedAtShip();
    const decision = run.fireNow({
      type: 'retry',
      step: 'ship',
      kind: 'action',
      attempt: 2,
      causationId: 'x',
    });

    expect(decision).toMatchObject({ changed: false, effects: [], events: [] });
  });

  it('ignores an action attempt timeout that fires while compensating', () => {
    const run = orderRunAfter(2, { timeout: 60_000 });
    const ship = run.lastCommand;
    run.fire(run.sagaDeadline());
    const before = run.state;

    const decision = run.fireNow(run.timeoutOf(ship).timer);

    expect(decision).toEqual({ state: before, changed: false, effects: [], events: [] });
  });

  it('sends no action in any decision after compensation started', () => {
    const run = failedAtShip({ timeout: 60_000 });
    const startedAt = run.decisions.length - 1;
    run.fireNow({ type: 'saga-deadline' });
    run.fail(
      run.sent.find((c) => c.step === 'charge' && c.kind === 'action')!,
      RETRYABLE,
    );
    run.succeed(run.sent.find((c) => c.step === 'ship' && c.kind === 'action')!);
    run.fail(run.lastCommand, COMP_RETRYABLE);
    run.retry('charge', 'compensation');
    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);

    const later = run.decisions.slice(startedAt).flatMap(commandsOf);
    expect(later.map((c) => c.kind)).toEqual(['compensation', 'compensation', 'compensation']);
    expect(run.state.status).toBe('COMPENSATED');
  });
});

describe('compensation replies to earlier attempts', () => {
  it('completes the compensation on a success to a timed-out attempt while a later one is outstanding', () => {
    const run = failedAtShip();
    const first = run.lastCommand;
    run.timeout(first);
    const second = onlyCommand(run.retry('charge', 'compensation'));
    const decision = run.succeed(first);

    expect(cancelledKeysOf(decision)).toEqual([`charge:compensation:timeout:2`]);
    expect(run.step('charge').compensation).toMatchObject({ status: 'SUCCEEDED', outstanding: null });
    expect(onlyCommand(decision)).toMatchObject({
      step: 'reserve',
      causation_id: `reply-to-${first.message_id}`,
    });
    expect(run.succeed(second)).toMatchObject({ changed: false, effects: [] });
  });

  it('ignores a failure to a timed-out compensation attempt', () => {
    const run = failedAtShip();
    const first = run.lastCommand;
    run.timeout(first);
    run.retry('charge', 'compensation');
    const before = run.state;
    const decision = run.fail(first, COMP_FATAL);

    expect(decision).toMatchObject({ state: before, changed: false, effects: [] });
    expect(logTypesOf(decision)).toEqual(['ReplyIgnored']);
    expect(run.state.status).toBe('COMPENSATING');
  });

  it('ignores a compensation reply for a step whose compensation never started', () => {
    const run = failedAtShip();
    const reserveAction = run.sent[0]!;
    const decision = run.succeed({ ...reserveAction, kind: 'compensation' }, {}, 'r-x');

    expect(decision).toMatchObject({ changed: false, effects: [] });
    expect(logEntry(decision, 'ReplyIgnored').data.reason).toMatch(/no compensation command/);
  });
});
