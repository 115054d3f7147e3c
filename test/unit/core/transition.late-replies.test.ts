import type { Command, Reply } from 'saga-orchestrator-sdk/contracts';
import type { Decision } from '../../../src/core/effects';
import type { SagaState } from '../../../src/core/state';
import {
  cancelledKeysOf,
  FATAL,
  failureReply,
  logEntry,
  onlyCommand,
  OUTPUTS,
  orderRunAfter,
  RETRYABLE,
  type SagaRun,
  successReply,
} from './fixtures';

/** An ignored reply changes nothing: same state, no effects, exactly one ReplyIgnored row. */
function expectIgnored(decision: Decision, before: SagaState, reply: Reply, reason: RegExp): void {
  expect(decision.changed).toBe(false);
  expect(decision.effects).toEqual([]);
  expect(decision.state).toEqual(before);
  expect(decision.events).toHaveLength(1);
  expect(decision.events[0]).toEqual({
    type: 'ReplyIgnored',
    at: expect.any(String),
    step: reply.step,
    data: {
      messageId: reply.message_id,
      inReplyTo: reply.in_reply_to,
      kind: reply.kind,
      outcome: reply.outcome,
      reason: expect.stringMatching(reason),
    },
  });
}

function deliver(run: SagaRun, reply: Reply): { decision: Decision; before: SagaState } {
  const before = run.state;
  run.clock.advance(10);
  return { decision: run.reply(reply), before };
}

describe('a success reply to an earlier attempt', () => {
  it('completes the step while a later attempt is outstanding', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    const second = onlyCommand(run.retry('charge'));
    run.clock.advance(1_000);
    const decision = run.succeed(first, OUTPUTS.charge);

    expect(run.step('charge')).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      output: OUTPUTS.charge,
      outstanding: null,
      error: null,
      lastAttemptTimedOut: false,
    });
    expect(cancelledKeysOf(decision)).toEqual(['charge:action:timeout:2']);
    expect(logEntry(decision, 'StepSucceeded').data).toMatchObject({ inReplyTo: first.message_id });
    expect(onlyCommand(decision)).toMatchObject({
      step: 'ship',
      causation_id: `reply-to-${first.message_id}`,
      payload: { label: 'order o-1 paid by p-7' },
    });

    const lateSecond = successReply(second, { paymentId: 'other' });
    const { decision: ignored, before } = deliver(run, lateSecond);
    expectIgnored(ignored, before, lateSecond, /already finished/);
    expect(run.step('charge').output).toEqual(OUTPUTS.charge);
  });

  it('completes the step while a retry is scheduled, and the retry timer then changes nothing', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    const retry = run.retryOf('charge');
    const decision = run.succeed(first, OUTPUTS.charge);

    expect(run.step('charge').status).toBe('SUCCEEDED');
    expect(cancelledKeysOf(decision)).toEqual(['charge:action:retry:2']);
    const ship = onlyCommand(decision);

    const stale = run.fire(retry);
    expect(stale).toMatchObject({ changed: false, effects: [], events: [] });
    expect(run.sent.filter((c) => c.step === 'charge')).toHaveLength(1);
    expect(run.lastCommand).toBe(ship);
  });

  it('is ignored once attempts ran out and the step became UNKNOWN', () => {
    const run = orderRunAfter(1, { steps: { charge: { retry: { attempts: 1 } } } });
    const first = run.lastCommand;
    run.timeout(first);
    expect(run.step('charge').status).toBe('UNKNOWN');

    const late = successReply(first, OUTPUTS.charge);
    const { decision, before } = deliver(run, late);
    expectIgnored(decision, before, late, /already finished/);
    expect(run.lastCommand).toMatchObject({
      step: 'charge',
      kind: 'compensation',
      payload: { output: null },
    });
  });
});

describe('a failure reply to an earlier attempt', () => {
  it.each<[string, (run: SagaRun) => void]>([
    ['while a later attempt is outstanding', (run) => run.retry('charge')],
    ['while a retry is scheduled', () => undefined],
  ])('is ignored when the attempt timed out, %s', (_, afterTimeout) => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.timeout(first);
    afterTimeout(run);

    for (const error of [FATAL, RETRYABLE]) {
      const late = failureReply(first, error, `late-${error.code}`);
      const { decision, before } = deliver(run, late);
      expectIgnored(decision, before, late, /no longer outstanding/);
    }
    expect(run.step('charge').status).toBe('RUNNING');
    expect(run.state.status).toBe('RUNNING');
  });
});

describe('a second reply to the same command', () => {
  type Answer = (command: Command, id: string) => Reply;
  const ok: Answer = (command, id) => successReply(command, OUTPUTS.charge, id);
  const retryable: Answer = (command, id) => failureReply(command, RETRYABLE, id);
  const fatal: Answer = (command, id) => failureReply(command, FATAL, id);

  it.each<[string, Answer, Answer, string, RegExp]>([
    ['success redelivered (same message_id)', ok, ok, 'same', /already finished/],
    ['success, then another success', ok, ok, 'other', /already finished/],
    ['success, then a failure', ok, fatal, 'other', /already finished/],
    ['retryable failure redelivered (same message_id)', retryable, retryable, 'same', /already answered/],
    ['retryable failure, then a non-retryable one', retryable, fatal, 'other', /already answered/],
    ['retryable failure, then a success', retryable, ok, 'other', /already answered/],
  ])('is ignored: %s', (_, firstAnswer, secondAnswer, idMode, reason) => {
    const run = orderRunAfter(1);
    const command = run.lastCommand;
    run.reply(firstAnswer(command, 'reply-a'));
    const second = secondAnswer(command, idMode === 'same' ? 'reply-a' : 'reply-b');

    const { decision, before } = deliver(run, second);

    expectIgnored(decision, before, second, reason);
    expect(run.sent.filter((c) => c.step === 'charge')).toHaveLength(1);
  });

  it('is ignored after a retryable failure even once the retry is outstanding', () => {
    const run = orderRunAfter(1);
    const first = run.lastCommand;
    run.fail(first, RETRYABLE);
    run.retry('charge');
    const lateSuccess = successReply(first, OUTPUTS.charge, 'reply-b');

    const { decision, before } = deliver(run, lateSuccess);

    expectIgnored(decision, before, lateSuccess, /already answered/);
    expect(run.step('charge')).toMatchObject({ status: 'RUNNING', outstanding: { attempt: 2 } });
  });

  it('is ignored for compensations too', () => {
    const run = orderRunAfter(2);
    run.fail(run.lastCommand, FATAL);
    const refund = run.lastCommand;
    run.fail(refund, RETRYABLE);
    const lateSuccess = successReply(refund, {}, 'reply-b');

    const { decision, before } = deliver(run, lateSuccess);

    expectIgnored(decision, before, lateSuccess, /already answered/);
    expect(run.step('charge').compensation).toMatchObject({ status: 'RUNNING', outstanding: null });
  });
});

describe('replies after the saga finished', () => {
  it.each<[string, (run: SagaRun) => void, string]>([
    ['COMPLETED', (run) => run.complete('ship', OUTPUTS.ship), 'COMPLETED'],
    [
      'COMPENSATED',
      (run) => {
        run.fail(run.lastCommand, FATAL);
        run.succeed(run.lastCommand);
        run.succeed(run.lastCommand);
      },
      'COMPENSATED',
    ],
    [
      'COMPENSATION_FAILED',
      (run) => {
        run.fail(run.lastCommand, FATAL);
        run.fail(run.lastCommand, FATAL);
      },
      'COMPENSATION_FAILED',
    ],
  ])('are ignored once the saga is %s', (_, finish, status) => {
    const run = orderRunAfter(2);
    finish(run);
    expect(run.state.status).toBe(status);

    for (const command of run.sent) {
      for (const reply of [
        successReply(command, { late: true }, `late-ok-${command.message_id}`),
        failureReply(command, RETRYABLE, `late-fail-${command.message_id}`),
      ]) {
        const { decision, before } = deliver(run, reply);
        expectIgnored(decision, before, reply, new RegExp(`saga is ${status}`));
      }
    }
  });
});

describe('replies that match nothing', () => {
  it.each<[string, (command: Command) => Reply, RegExp]>([
    ['an unknown step', (c) => successReply({ ...c, step: 'nope' }), /saga has no step "nope"/],
    [
      'a command never sent',
      (c) => successReply({ ...c, message_id: 'never-sent' }),
      /no action command never-sent/,
    ],
    [
      'a compensation that never ran',
      (c) => successReply({ ...c, kind: 'compensation' }),
      /no compensation command msg-2/,
    ],
    [
      "another step's command",
      (c) => failureReply({ ...c, step: 'reserve' }, FATAL),
      /no action command msg-2 was sent for this step/,
    ],
  ])('ignores a reply naming %s', (_, make, reason) => {
    const run = orderRunAfter(1);
    const reply = make(run.lastCommand);

    const { decision, before } = deliver(run, reply);

    expectIgnored(decision, before, reply, reason);
    expect(run.step('charge').outstanding).toMatchObject({ messageId: 'msg-2' });
  });

  it('leaves updatedAt alone when a reply is ignored', () => {
    const run = orderRunAfter(1);
    const updatedAt = run.state.updatedAt;
    run.clock.advance(60_000);
    run.succeed(run.sent[0]!);

    expect(run.state.updatedAt).toBe(updatedAt);
    expect(run.last.events[0]!.at).toBe(run.clock.nowIso());
  });
});
