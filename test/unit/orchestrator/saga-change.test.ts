import { Topology, replyAnswering } from 'saga-orchestrator-sdk/contracts';
import type { Decision } from '../../../src/core/effects';
import { SagaEventType } from '../../../src/core/events';
import { timerKey } from '../../../src/core/timers';
import type { SagaChange } from '../../../src/orchestrator/ports';
import { sagaChange } from '../../../src/orchestrator/saga-change';
import {
  at,
  cancelledKeysOf,
  commandsOf,
  FATAL,
  onlyCommand,
  orderRunAfter,
  orderSaga,
  OUTPUTS,
  progressReply,
  RETRYABLE,
  SagaRun,
  scheduledOf,
} from '../core/fixtures';

/** One statement must never touch a timer row twice. */
function expectDisjointTimers(change: SagaChange): void {
  const scheduled = new Set(change.scheduledTimers.map((timer) => timer.key));
  expect(change.cancelledTimers.filter((key) => scheduled.has(key))).toEqual([]);
  expect(new Set(change.cancelledTimers).size).toBe(change.cancelledTimers.length);
  expect(scheduled.size).toBe(change.scheduledTimers.length);
}

const RESERVE_TIMEOUT = 'reserve:action:timeout:1';
const CHARGE_TIMEOUT = 'charge:action:timeout:1';

describe('sagaChange', () => {
  it('numbers the events of every decision on from lastSeq + 1, in decision order', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    run.clock.advance(1_000);
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    run.clock.advance(1_000);
    const charged = run.complete('charge', OUTPUTS.charge);

    const change = sagaChange({ sagaId: 'saga-1', revision: 4, lastSeq: 10 }, [reserved, charged]);

    expect(change.sagaId).toBe('saga-1');
    expect(change.expectedRevision).toBe(4);
    expect(change.events.map((event) => [event.seq, event.type, event.step])).toEqual([
      [11, SagaEventType.stepSucceeded, 'reserve'],
      [12, SagaEventType.commandSent, 'charge'],
      [13, SagaEventType.stepSucceeded, 'charge'],
      [14, SagaEventType.commandSent, 'ship'],
    ]);
    expect(change.events[0]).toEqual({ ...reserved.events[0]!, seq: 11 });
    expect(change.events[3]).toEqual({ ...charged.events[1]!, seq: 14 });
    expect(change.events[3]!.at).toBe(at(2_000));
    expect(change.lastSeq).toBe(14);
    expect(change.state).toBe(charged.state);
    expect(change.processedReplies).toEqual([]);
  });

  it('numbers a new saga from 1 and leaves lastSeq alone for decisions that log nothing', () => {
    const run = new SagaRun(orderSaga());
    const started = run.start();
    const change = sagaChange({ sagaId: 'saga-1', revision: 0, lastSeq: 0 }, [started]);
    expect(change.events.map((event) => event.seq)).toEqual([1, 2]);
    expect(change.events.map((event) => event.type)).toEqual([
      SagaEventType.sagaStarted,
      SagaEventType.commandSent,
    ]);
    expect(change.lastSeq).toBe(2);

    // A stale timer (the attempt was answered) changes nothing and logs nothing.
    const timeout = run.timeoutOf(run.lastCommand);
    run.complete('reserve', OUTPUTS.reserve);
    const stale = run.fireNow(timeout.timer);
    expect(stale.changed).toBe(false);
    expect(stale.events).toEqual([]);
    const quiet = sagaChange({ sagaId: 'saga-1', revision: 2, lastSeq: 4 }, [stale], {
      firedTimers: [timeout.key],
    });
    expect(quiet.events).toEqual([]);
    expect(quiet.lastSeq).toBe(4);
    expect(quiet.state).toBeNull();
    expect(quiet.cancelledTimers).toEqual([timeout.key]);
  });

  it('queues the commands of all decisions in the order they were sent, on the commands exchange', () => {
    const run = new SagaRun(orderSaga());
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const started = run.start({ trace });
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    const charged = run.complete('charge', OUTPUTS.charge);
    const sent = [started, reserved, charged].map(onlyCommand);

    const change = sagaChange({ sagaId: 'saga-1', revision: 0, lastSeq: 0 }, [started, reserved, charged]);

    expect(change.commands).toEqual([
      {
        messageId: 'msg-1',
        exchange: Topology.commandsExchange,
        routingKey: 'inventory',
        headers: trace,
        body: sent[0],
      },
      {
        messageId: 'msg-2',
        exchange: Topology.commandsExchange,
        routingKey: 'payments',
        headers: trace,
        body: sent[1],
      },
      {
        messageId: 'msg-3',
        exchange: Topology.commandsExchange,
        routingKey: 'shipping',
        headers: trace,
        body: sent[2],
      },
    ]);
    expect(change.commands.map((command) => command.body.type)).toEqual([
      'ReserveInventory',
      'ChargePayment',
      'ScheduleShipment',
    ]);
    // The charge payload was rendered from the reserve output decided just before: the fold kept the order.
    expect(change.commands[1]!.body.payload).toMatchObject({ reservationId: 'r-9' });
  });

  it('queues each lifecycle event on the events exchange, after the commands of its decision, with the trace headers', () => {
    const run = new SagaRun({ ...orderSaga(), lifecycleEvents: 'all' });
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const started = run.start({ trace });
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    const published = [started, reserved].flatMap((decision) =>
      decision.effects.flatMap((effect) => (effect.type === 'publish-event' ? [effect.event] : [])),
    );

    const change = sagaChange({ sagaId: 'saga-1', revision: 0, lastSeq: 0 }, [started, reserved]);

    expect(change.commands.map((row) => `${row.exchange} ${row.routingKey}`)).toEqual([
      `${Topology.commandsExchange} inventory`,
      `${Topology.eventsExchange} order-fulfillment.SagaStarted`,
      `${Topology.commandsExchange} payments`,
      `${Topology.eventsExchange} order-fulfillment.StepSucceeded`,
    ]);
    expect(change.commands[1]).toEqual({
      messageId: published[0]!.event_id,
      exchange: Topology.eventsExchange,
      routingKey: 'order-fulfillment.SagaStarted',
      headers: trace,
      body: published[0],
    });
    expect(change.commands[3]!.body).toMatchObject({ type: 'StepSucceeded', output: OUTPUTS.reserve });
  });

  it('nets timers per key: scheduled then cancelled ends cancelled, the rest stays scheduled', () => {
    const run = new SagaRun(orderSaga({ timeout: 300_000 }));
    const started = run.start();
    run.clock.advance(1_000);
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    expect(scheduledOf(started).map((timer) => timer.key)).toEqual(['saga-deadline', RESERVE_TIMEOUT]);
    expect(cancelledKeysOf(reserved)).toEqual([RESERVE_TIMEOUT]);

    const change = sagaChange({ sagaId: 'saga-1', revision: 0, lastSeq: 0 }, [started, reserved]);

    expect(change.clearTimers).toBe(false);
    expect(change.cancelledTimers).toEqual([RESERVE_TIMEOUT]);
    expect(change.scheduledTimers).toEqual([
      { key: 'saga-deadline', fireAt: at(300_000), payload: { type: 'saga-deadline' } },
      {
        key: CHARGE_TIMEOUT,
        fireAt: at(21_000),
        payload: { type: 'attempt-timeout', step: 'charge', kind: 'action', attempt: 1, messageId: 'msg-2' },
      },
    ]);
    expectDisjointTimers(change);
  });

  it('keeps only the last schedule of a key scheduled twice, and cancels it when a later decision does', () => {
    const run = orderRunAfter(0);
    const reserve = run.lastCommand;
    run.clock.advance(2_000);
    const first = run.reply(progressReply(reserve, 'progress-1'));
    run.clock.advance(3_000);
    const second = run.reply(progressReply(reserve, 'progress-2'));
    expect(scheduledOf(first)[0]).toMatchObject({ key: RESERVE_TIMEOUT, fireAt: at(12_000) });
    expect(scheduledOf(second)[0]).toMatchObject({ key: RESERVE_TIMEOUT, fireAt: at(15_000) });

    const extended = sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [first, second], {
      processedReplies: ['progress-1', 'progress-2'],
    });
    expect(extended.scheduledTimers).toEqual([
      { key: RESERVE_TIMEOUT, fireAt: at(15_000), payload: scheduledOf(second)[0]!.timer },
    ]);
    expect(extended.cancelledTimers).toEqual([]);
    expect(extended.processedReplies).toEqual(['progress-1', 'progress-2']);
    expect(extended.events.map((event) => [event.seq, event.type])).toEqual([
      [3, SagaEventType.attemptExtended],
      [4, SagaEventType.attemptExtended],
    ]);

    run.clock.advance(1_000);
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    const answered = sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [first, second, reserved]);
    expect(answered.cancelledTimers).toEqual([RESERVE_TIMEOUT]);
    expect(answered.scheduledTimers.map((timer) => timer.key)).toEqual([CHARGE_TIMEOUT]);
    expect(answered.scheduledTimers[0]!.fireAt).toBe(at(26_000));
    expectDisjointTimers(answered);
  });

  it('cancels a fired timer, and a timer of a failed attempt, while scheduling the retry', () => {
    const run = orderRunAfter(0);
    const reserve = run.lastCommand;
    const timeout = run.timeoutOf(reserve);
    expect(timeout.key).toBe(RESERVE_TIMEOUT);
    const timedOut = run.timeout(reserve);
    expect(timedOut.events.map((event) => event.type)).toEqual([SagaEventType.stepAttemptTimedOut]);

    const change = sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [timedOut], {
      firedTimers: [timeout.key],
    });

    expect(change.cancelledTimers).toEqual([RESERVE_TIMEOUT]);
    expect(change.scheduledTimers).toEqual([
      {
        key: 'reserve:action:retry:2',
        fireAt: at(10_000 + 200),
        payload: { type: 'retry', step: 'reserve', kind: 'action', attempt: 2, causationId: 'msg-1' },
      },
    ]);
    expect(change.processedReplies).toEqual([]);
    expect(change.state?.steps[0]).toMatchObject({ status: 'RUNNING', outstanding: null, attempts: 1 });

    // The retry fires: the fired retry timer goes, the new attempt's timeout is scheduled.
    const retry = run.retryOf('reserve');
    const retried = run.retry('reserve');
    const second = sagaChange({ sagaId: 'saga-1', revision: 2, lastSeq: 3 }, [retried], {
      firedTimers: [retry.key],
    });
    expect(second.cancelledTimers).toEqual(['reserve:action:retry:2']);
    expect(second.scheduledTimers.map((timer) => timer.key)).toEqual(['reserve:action:timeout:2']);
    expect(second.commands.map((command) => command.body.attempt)).toEqual([2]);

    // A failure reply cancels the attempt's timeout and schedules the retry in the same change.
    const failed = run.fail(onlyCommand(retried), RETRYABLE, 'failure-1');
    const third = sagaChange({ sagaId: 'saga-1', revision: 3, lastSeq: 5 }, [failed], {
      processedReplies: ['failure-1'],
    });
    expect(third.cancelledTimers).toEqual(['reserve:action:timeout:2']);
    expect(third.scheduledTimers.map((timer) => timer.key)).toEqual(['reserve:action:retry:3']);
    expectDisjointTimers(third);
  });

  it('keeps a fired timer that a decision schedules again instead of deleting it', () => {
    const run = orderRunAfter(0);
    const reserve = run.lastCommand;
    run.clock.advance(4_000);
    const extended = run.reply(progressReply(reserve, 'progress-1'));

    const change = sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [extended], {
      firedTimers: [RESERVE_TIMEOUT, 'reserve:action:retry:9'],
      processedReplies: ['progress-1'],
    });

    expect(change.scheduledTimers).toEqual([
      { key: RESERVE_TIMEOUT, fireAt: at(14_000), payload: scheduledOf(extended)[0]!.timer },
    ]);
    expect(change.cancelledTimers).toEqual(['reserve:action:retry:9']);
    expectDisjointTimers(change);
  });

  it('clears every timer, and lists none, when the last decision ends the saga', () => {
    const run = orderRunAfter(2, { timeout: 300_000 });
    run.clock.advance(1_000);
    const shipped = run.complete('ship', OUTPUTS.ship);
    expect(shipped.state.status).toBe('COMPLETED');
    expect(cancelledKeysOf(shipped)).toEqual(['ship:action:timeout:1', 'saga-deadline']);

    const completed = sagaChange({ sagaId: 'saga-1', revision: 3, lastSeq: 6 }, [shipped], {
      firedTimers: ['ship:action:retry:2'],
      processedReplies: ['reply-to-msg-3'],
    });

    expect(completed.clearTimers).toBe(true);
    expect(completed.cancelledTimers).toEqual([]);
    expect(completed.scheduledTimers).toEqual([]);
    expect(completed.state?.status).toBe('COMPLETED');
    expect(completed.events.map((event) => [event.seq, event.type])).toEqual([
      [7, SagaEventType.stepSucceeded],
      [8, SagaEventType.sagaCompleted],
    ]);
    // The saga's end is published (events: terminal by default), nothing is sent to a participant.
    expect(completed.commands.map((row) => `${row.exchange} ${row.routingKey}`)).toEqual([
      `${Topology.eventsExchange} order-fulfillment.SagaCompleted`,
    ]);
    expect(completed.processedReplies).toEqual(['reply-to-msg-3']);
  });

  it('clears timers but still queues the commands when a fold compensates to the end', () => {
    const run = orderRunAfter(1);
    const failed = run.fail(run.lastCommand, FATAL, 'declined-1');
    const release = onlyCommand(failed);
    expect(release).toMatchObject({ type: 'ReleaseInventory', kind: 'compensation' });
    expect(scheduledOf(failed).map((timer) => timer.key)).toEqual(['reserve:compensation:timeout:1']);
    const released = run.succeed(release, {}, 'released-1');
    expect(released.state.status).toBe('COMPENSATED');

    const change = sagaChange({ sagaId: 'saga-1', revision: 2, lastSeq: 4 }, [failed, released], {
      processedReplies: ['declined-1', 'released-1'],
    });

    expect(change.clearTimers).toBe(true);
    expect(change.cancelledTimers).toEqual([]);
    expect(change.scheduledTimers).toEqual([]);
    expect(change.commands.map((row) => [row.messageId, row.routingKey])).toEqual([
      [release.message_id, 'inventory'],
      [expect.any(String), 'order-fulfillment.SagaCompensated'],
    ]);
    expect(change.state?.status).toBe('COMPENSATED');
    expect(change.events.map((event) => event.seq)).toEqual([5, 6, 7, 8, 9]);
    expect(change.events.at(-1)!.type).toBe(SagaEventType.sagaCompensated);
  });

  it('writes no state for a batch of ignored replies, but still logs and records them', () => {
    const run = orderRunAfter(1);
    const reserve = run.sent[0]!;
    const late = run.succeed(reserve, {}, 'late-1');
    const stranger = run.reply(
      replyAnswering(
        { message_id: 'never-sent', saga: { id: 'saga-1' }, step: 'gift-wrap', kind: 'action' },
        { message_id: 'late-2', outcome: 'success', output: {} },
      ),
    );
    expect([late.changed, stranger.changed]).toEqual([false, false]);

    const change = sagaChange({ sagaId: 'saga-1', revision: 2, lastSeq: 4 }, [late, stranger], {
      processedReplies: ['late-1', 'late-2'],
    });

    expect(change.state).toBeNull();
    expect(change.expectedRevision).toBe(2);
    expect(change.events.map((event) => [event.seq, event.type, event.step])).toEqual([
      [5, SagaEventType.replyIgnored, 'reserve'],
      [6, SagaEventType.replyIgnored, 'gift-wrap'],
    ]);
    expect(change.lastSeq).toBe(6);
    expect(change.processedReplies).toEqual(['late-1', 'late-2']);
    expect(change.commands).toEqual([]);
    expect(change.clearTimers).toBe(false);
    expect(change.cancelledTimers).toEqual([]);
    expect(change.scheduledTimers).toEqual([]);
  });

  it('writes the latest state when any decision changed it, even if the last one was ignored', () => {
    const run = orderRunAfter(0);
    const reserve = run.lastCommand;
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    const duplicate = run.succeed(reserve, {}, 'another-reply');
    expect([reserved.changed, duplicate.changed]).toEqual([true, false]);

    const change = sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [reserved, duplicate]);

    expect(change.state).toBe(duplicate.state);
    expect(change.state).toEqual(reserved.state);
    expect(change.state?.steps.map((step) => step.status)).toEqual(['SUCCEEDED', 'RUNNING', 'PENDING']);
    expect(change.events.map((event) => event.type)).toEqual([
      SagaEventType.stepSucceeded,
      SagaEventType.commandSent,
      SagaEventType.replyIgnored,
    ]);
    expect(change.commands.map((command) => command.body)).toEqual(commandsOf(reserved));
  });

  it('does not change the decisions it folds', () => {
    const run = orderRunAfter(0);
    const reserved = run.complete('reserve', OUTPUTS.reserve);
    const before: Decision = structuredClone(reserved);
    sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [reserved], { firedTimers: [RESERVE_TIMEOUT] });
    expect(reserved).toEqual(before);
    expect(timerKey(scheduledOf(reserved)[0]!.timer)).toBe(CHARGE_TIMEOUT);
  });

  it('refuses an empty list of decisions', () => {
    expect(() => sagaChange({ sagaId: 'saga-1', revision: 1, lastSeq: 2 }, [])).toThrow(
      'a saga change needs at least one decision',
    );
  });
});
