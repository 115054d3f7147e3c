import type { Command } from 'saga-orchestrator-sdk/contracts';
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
  OUTPUTS,
  orderRunAfter,
  orderSaga,
  RETRYABLE,
  type RetryDocument,
  SagaRun,
  scheduledOf,
} from './fixtures';

describe('a retryable failure, then success', () => {
  function failOnce(): { run: SagaRun; first: Command } {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.clock.advance(300);
    run.fail(first, RETRYABLE);
    return { run, first };
  }

  it('schedules a retry at now + backoff and sends nothing yet', () => {
    const { run, first } = failOnce();
    const decision = run.last;

    expect(decision.changed).toBe(true);
    expect(commandsOf(decision)).toEqual([]);
    expect(cancelledKeysOf(decision)).toEqual(['charge:action:timeout:1']);
    expect(scheduledOf(decision)).toEqual([
      {
        type: 'schedule-timer',
        key: 'charge:action:retry:2',
        fireAt: at(1_300 + 500),
        timer: { type: 'retry', step: 'charge', kind: 'action', attempt: 2, causationId: 'reply-to-msg-2' },
      },
    ]);
    expect(decision.events).toEqual([
      {
        type: 'StepAttemptFailed',
        at: at(1_300),
        step: 'charge',
        data: { messageId: 'reply-to-msg-2', attempt: 1, error: RETRYABLE, retryAt: at(1_800) },
      },
    ]);
    expect(run.step('charge')).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      error: RETRYABLE,
      outstanding: null,
      finishedAt: null,
      messageIds: [first.message_id],
      answeredMessageIds: [first.message_id],
      lastAttemptTimedOut: false,
    });
    expect(run.state.status).toBe('RUNNING');
  });

  it('sends attempt 2 when the retry timer fires, as a new message with the same idempotency key', () => {
    const { run, first } = failOnce();
    const retry = onlyCommand(run.retry('charge'));

    expect(run.clock.nowIso()).toBe(at(1_800));
    expect(retry).toEqual({
      ...first,
      message_id: 'msg-3',
      attempt: 2,
      causation_id: 'reply-to-msg-2',
      timestamp: at(1_800),
      deadline: at(1_800 + 20_000),
    });
    expect(retry.idempotency_key).toBe(first.idempotency_key);
    expect(scheduledOf(run.last).map((t) => [t.key, t.fireAt])).toEqual([
      ['charge:action:timeout:2', at(21_800)],
    ]);
    expect(logEntry(run.last, 'CommandSent').data).toEqual({
      kind: 'action',
      type: 'ChargePayment',
      attempt: 2,
      messageId: 'msg-3',
      deadline: at(21_800),
    });
    expect(run.step('charge')).toMatchObject({
      attempts: 2,
      outstanding: { messageId: 'msg-3', attempt: 2, deadline: at(21_800) },
      messageIds: ['msg-2', 'msg-3'],
    });
  });

  it('succeeds on attempt 2 and moves on with the reply as cause', () => {
    const { run } = failOnce();
    run.retry('charge');
    run.clock.advance(100);
    const decision = run.complete('charge', OUTPUTS.charge);

    expect(run.step('charge')).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      error: null,
      output: OUTPUTS.charge,
      finishedAt: at(1_900),
    });
    expect(logEntry(decision, 'StepSucceeded').data).toMatchObject({ attempt: 2, inReplyTo: 'msg-3' });
    expect(onlyCommand(decision)).toMatchObject({ step: 'ship', attempt: 1, causation_id: 'reply-to-msg-3' });
    expect(run.sent.filter((c) => c.step === 'charge').map((c) => c.attempt)).toEqual([1, 2]);
  });
});

describe('backoff between attempts', () => {
  it.each<[string, RetryDocument, number[]]>([
    ['doubles', { attempts: 4, backoff: 100, multiplier: 2, maxBackoff: 10_000 }, [100, 200, 400]],
    [
      'triples and is capped at maxBackoff',
      { attempts: 6, backoff: 100, multiplier: 3, maxBackoff: 1_000 },
      [100, 300, 900, 1_000, 1_000],
    ],
    [
      'stays constant with multiplier 1',
      { attempts: 4, backoff: '1s', multiplier: 1, maxBackoff: '1s' },
      [1_000, 1_000, 1_000],
    ],
    ['uses the defaults (1s, ×2, 30s) when unset', {}, [1_000, 2_000]],
  ])('%s', (_, retry, delays) => {
    const run = new SagaRun(defineSaga({ steps: [{ name: 'flaky', retry, timeout: '1m' }] }));
    run.start();
    const observed: number[] = [];
    for (let attempt = 1; attempt <= delays.length; attempt++) {
      run.clock.advance(50);
      const failure = run.fail(run.lastCommand, RETRYABLE);
      const [timer] = scheduledOf(failure);
      observed.push(msBetween(run.clock.nowIso(), timer!.fireAt));
      expect(timer!.timer).toMatchObject({ type: 'retry', attempt: attempt + 1 });
      expect(onlyCommand(run.fire(timer!)).attempt).toBe(attempt + 1);
    }
    expect(observed).toEqual(delays);

    const last = run.fail(run.lastCommand, RETRYABLE);
    expect(scheduledOf(last)).toEqual([]);
    expect(logTypesOf(last)).toEqual(['StepFailed', 'CompensationStarted', 'SagaCompensated']);
    expect(run.step('flaky')).toMatchObject({ status: 'FAILED', attempts: delays.length + 1 });
  });
});

describe('giving up on the action', () => {
  it.each<[string, number, number]>([
    ['a single allowed attempt', 1, 1],
    ['attempts exhausted by retryable failures', 3, 3],
  ])('stops after %s', (_, attempts, expectedAttempts) => {
    const run = orderRunAfter(1, { steps: { charge: { retry: { attempts, backoff: 10, maxBackoff: 10 } } } });
    for (let attempt = 1; attempt < attempts; attempt++) {
      run.fail(run.lastCommand, RETRYABLE);
      run.retry('charge');
    }
    const last = run.lastCommand;
    const decision = run.fail(last, RETRYABLE);

    expect(run.step('charge')).toMatchObject({
      status: 'FAILED',
      attempts: expectedAttempts,
      error: RETRYABLE,
    });
    expect(logEntry(decision, 'StepFailed').data).toEqual({
      messageId: `reply-to-${last.message_id}`,
      attempt: expectedAttempts,
      error: RETRYABLE,
      outcome: 'failed',
    });
    expect(run.state.status).toBe('COMPENSATING');
    expect(onlyCommand(decision)).toMatchObject({ step: 'reserve', kind: 'compensation' });
    expect(run.sent.filter((c) => c.step === 'charge')).toHaveLength(expectedAttempts);
  });

  it('does not retry a non-retryable failure even with attempts left', () => {
    const run = orderRunAfter(1);
    const decision = run.fail(run.lastCommand, FATAL);

    expect(run.step('charge')).toMatchObject({ status: 'FAILED', attempts: 1, error: FATAL });
    expect(scheduledOf(decision).filter((t) => t.timer.type === 'retry')).toEqual([]);
    expect(onlyCommand(decision)).toMatchObject({ step: 'reserve', kind: 'compensation' });
  });

  it('retries after a retryable failure but gives up at a later non-retryable one', () => {
    const run = orderRunAfter(1);
    run.fail(run.lastCommand, RETRYABLE);
    run.retry('charge');
    const decision = run.fail(run.lastCommand, FATAL);

    expect(run.step('charge')).toMatchObject({ status: 'FAILED', attempts: 2, error: FATAL });
    expect(logTypesOf(decision)).toEqual(['StepFailed', 'CompensationStarted', 'CommandSent']);
  });
});

describe('stale retry timers', () => {
  it('changes nothing when a retry timer fires a second time', () => {
    const run = orderRunAfter(1);
    run.fail(run.lastCommand, RETRYABLE);
    const timer = run.retryOf('charge');
    run.fire(timer);
    const before = run.state;
    run.clock.advance(5);
    const again = run.fireNow(timer.timer);

    expect(again).toEqual({ state: before, changed: false, effects: [], events: [] });
    expect(run.sent.filter((c) => c.step === 'charge')).toHaveLength(2);
  });

  it('changes nothing when an old retry timer fires after a later attempt was sent', () => {
    const run = orderRunAfter(1);
    run.fail(run.lastCommand, RETRYABLE);
    const firstRetry = run.retryOf('charge');
    run.fire(firstRetry);
    run.fail(run.lastCommand, RETRYABLE);
    run.retry('charge');
    const stale = run.fireNow(firstRetry.timer);

    expect(stale.changed).toBe(false);
    expect(stale.effects).toEqual([]);
    expect(run.step('charge')).toMatchObject({ attempts: 3, outstanding: { attempt: 3 } });
  });

  it('changes nothing when the retry timer fires after the step already succeeded', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    run.succeed(first, OUTPUTS.charge);
    const stale = run.retry('charge');

    expect(stale).toMatchObject({ changed: false, effects: [], events: [] });
    expect(run.step('charge').status).toBe('SUCCEEDED');
  });

  it('ignores a retry timer for a step the definition does not have', () => {
    const run = orderRunAfter(1);
    const before = run.state;
    const decision = run.fireNow({
      type: 'retry',
      step: 'nope',
      kind: 'action',
      attempt: 2,
      causationId: 'x',
    });

    expect(decision).toEqual({ state: before, changed: false, effects: [], events: [] });
  });
});

describe('one attempt outstanding at a time', () => {
  it('never has two attempts of a step outstanding through repeated, stale and late timers and replies', () => {
    const run = new SagaRun(
      orderSaga({
        steps: { charge: { retry: { attempts: 5, backoff: 100, multiplier: 1, maxBackoff: 100 } } },
      }),
    );
    run.start();
    run.complete('reserve', OUTPUTS.reserve);
    const first = run.lastCommand;
    run.timeout(first);
    const retry2 = run.retryOf('charge');
    run.fire(retry2);
    run.fireNow(retry2.timer);
    run.fireNow(run.timeoutOf(first).timer);
    run.fail(first, RETRYABLE);
    const second = run.lastCommand;
    run.fail(second, RETRYABLE);
    run.fail(second, RETRYABLE, 'another-reply');
    run.fireNow(run.timeoutOf(second).timer);
    run.retry('charge');
    run.fireNow(run.retryOf('charge').timer);
    run.timeout(second);

    const chargeCommands = run.sent.filter((c) => c.step === 'charge');
    expect(chargeCommands.map((c) => c.attempt)).toEqual([1, 2, 3]);
    for (const decision of run.decisions) {
      expect(commandsOf(decision).filter((c) => c.step === 'charge').length).toBeLessThanOrEqual(1);
    }
    const outstandingAfterEach = run.decisions.map((d) => d.state.steps.filter((s) => s.outstanding).length);
    expect(Math.max(...outstandingAfterEach)).toBe(1);
    expect(run.step('charge')).toMatchObject({ attempts: 3, outstanding: { attempt: 3 } });
  });
});
