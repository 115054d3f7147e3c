import { FATAL, SagaRun, commandsOf, logEntry, orderSaga, scheduledOf } from './fixtures';

// A saga whose definition version cannot be had is set aside (SUSPENDED on no step), and an operator's retry
// brings it back to what it was doing once the version can be had again.

describe('setting a saga aside', () => {
  it('suspends a running saga on no step, remembers what it was doing, and sends nothing', () => {
    const run = new SagaRun(orderSaga({ timeout: 60_000 }));
    run.start();
    const decision = run.setAside('order-fulfillment@9 is not stored');

    expect(run.state.status).toBe('SUSPENDED');
    expect(run.state.suspension).toEqual({
      step: null,
      reason: 'order-fulfillment@9 is not stored',
      at: run.clock.nowIso(),
      resumeStatus: 'RUNNING',
    });
    expect(decision.effects).toEqual([]);
    expect(logEntry(decision, 'SagaSuspended')).toMatchObject({
      step: null,
      data: { reason: 'order-fulfillment@9 is not stored', version: 1 },
    });
  });

  it('changes nothing on a saga that ended or already waits for an operator', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    run.setAside();
    const again = run.setAside('another reason');
    expect(again.changed).toBe(false);
    expect(again.events).toEqual([]);
    expect(run.state.suspension?.reason).toBe('order-fulfillment@9 is not stored');
  });

  it('on resume, gives the outstanding action a full timeout again and the saga deadline back', () => {
    const run = new SagaRun(orderSaga({ timeout: 60_000 }));
    run.start();
    const reserve = run.lastCommand;
    run.setAside();
    run.clock.advance(5_000);

    const resumed = run.apply({ type: 'operator-retry', causationId: 'op-1' });

    expect(run.state.status).toBe('RUNNING');
    expect(run.state.suspension).toBeNull();
    expect(commandsOf(resumed)).toEqual([]);
    const timers = scheduledOf(resumed).map((timer) => [timer.timer.type, timer.fireAt]);
    expect(timers).toEqual([
      ['saga-deadline', run.state.deadlineAt],
      ['attempt-timeout', new Date(run.clock.now().getTime() + 10_000).toISOString()],
    ]);
    // The answer to the attempt sent before the saga was set aside still counts.
    run.succeed(reserve, { reservationId: 'r-1' });
    expect(run.lastCommand).toMatchObject({ step: 'charge', kind: 'action' });
  });

  it('on resume of a compensating saga, sends the compensation that waited for its next attempt and re-arms the one in flight', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    run.complete('reserve', { reservationId: 'r-1' });
    run.complete('charge', { paymentId: 'p-1' });
    run.fail(run.lastCommand, FATAL);
    const refund = run.lastCommand;
    expect(refund).toMatchObject({ step: 'charge', kind: 'compensation', attempt: 1 });
    run.setAside();
    expect(run.state.suspension?.resumeStatus).toBe('COMPENSATING');

    const resumed = run.apply({ type: 'operator-retry', causationId: 'op-1' });
    expect(run.state.status).toBe('COMPENSATING');
    expect(commandsOf(resumed)).toEqual([]);
    expect(scheduledOf(resumed).map((timer) => timer.timer)).toEqual([
      {
        type: 'attempt-timeout',
        step: 'charge',
        kind: 'compensation',
        attempt: 1,
        messageId: refund.message_id,
      },
    ]);

    // The refund fails and waits for its retry; set aside then, the resume sends that retry at once.
    run.fail(refund);
    run.setAside();
    const again = run.apply({ type: 'operator-retry', causationId: 'op-2' });
    expect(commandsOf(again).map((c) => [c.step, c.kind, c.attempt, c.causation_id])).toEqual([
      ['charge', 'compensation', 2, 'op-2'],
    ]);
    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);
    expect(run.state.status).toBe('COMPENSATED');
  });
});
