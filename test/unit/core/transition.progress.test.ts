import { at, logEntry, orderRunAfter, progressReply, RETRYABLE, scheduledOf, type SagaRun } from './fixtures';

/** Reserve done at 1 s; ChargePayment (20 s timeout) outstanding since then. */
function charging(): SagaRun {
  return orderRunAfter(1);
}

describe('an in_progress report for the outstanding attempt', () => {
  it('restarts the attempt timeout from now and logs it, sending nothing', () => {
    const run = charging();
    const charge = run.lastCommand;
    run.clock.advance(15_000);
    const decision = run.reply(progressReply(charge, 'p-1'));

    expect(decision.changed).toBe(true);
    expect(decision.effects.filter((e) => e.type === 'send-command')).toEqual([]);
    expect(scheduledOf(decision)).toEqual([
      {
        type: 'schedule-timer',
        key: `charge:action:timeout:1`,
        fireAt: at(36_000),
        timer: {
          type: 'attempt-timeout',
          step: 'charge',
          kind: 'action',
          attempt: 1,
          messageId: charge.message_id,
        },
      },
    ]);
    expect(run.step('charge').outstanding?.deadline).toBe(at(36_000));
    expect(logEntry(decision, 'AttemptExtended')).toMatchObject({
      step: 'charge',
      data: { attempt: 1, messageId: charge.message_id, progressId: 'p-1', deadline: at(36_000) },
    });
  });

  it('keeps the attempt alive past its first deadline, and the final reply still completes it', () => {
    const run = charging();
    const charge = run.lastCommand;
    run.clock.advance(15_000);
    run.reply(progressReply(charge));
    run.clock.advance(10_000); // 26 s: past the original 21 s deadline, before the new 36 s one
    run.succeed(charge, { paymentId: 'p-7' });

    expect(run.step('charge')).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(run.lastCommand.type).toBe('ScheduleShipment');
  });

  it('is ignored for an attempt that timed out and was retried', () => {
    const run = charging();
    const first = run.lastCommand;
    run.timeout(first);
    run.retry('charge');
    const decision = run.reply(progressReply(first));

    expect(decision).toMatchObject({ changed: false, effects: [] });
    expect(logEntry(decision, 'ReplyIgnored').data).toMatchObject({
      reason: expect.stringContaining('no longer outstanding'),
    });
  });

  it('does not count as an answer: a later failure of the same command is applied', () => {
    const run = charging();
    const charge = run.lastCommand;
    run.reply(progressReply(charge));
    run.fail(charge, RETRYABLE);

    expect(run.step('charge')).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      outstanding: null,
      error: RETRYABLE,
    });
  });
});
