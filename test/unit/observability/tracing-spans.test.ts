import type { Decision } from '../../../src/core/effects';
import { attemptSpanId, sagaTrace } from '../../../src/observability/tracing-ids';
import {
  type DecisionCause,
  type FinishedSpan,
  finishedSpans,
} from '../../../src/observability/tracing-spans';
import { FATAL, RETRYABLE, SagaRun, T0, at, orderSaga, replyIdFor } from '../core/fixtures';

/** The spans each decision of a run ends, with the state it found as `before`. */
function spansOf(run: SagaRun, decide: () => Decision, cause: DecisionCause = {}): FinishedSpan[] {
  const before = run.state;
  return finishedSpans(decide(), before, cause);
}

/** What the committer logs as a reply's cause. */
function replyCause(run: SagaRun): DecisionCause {
  const command = run.lastCommand;
  return { replyId: replyIdFor(command), inReplyTo: command.message_id, step: command.step };
}

describe('the spans a committed decision ends', () => {
  it('ends an attempt when its reply comes, and the saga span when the saga ends', () => {
    const run = new SagaRun(orderSaga());
    expect(finishedSpans(run.start(), null, {})).toEqual([]);
    const saga = sagaTrace('saga-1', null);
    const spans: FinishedSpan[] = [];
    for (const step of ['reserve', 'charge', 'ship']) {
      run.clock.advance(100);
      const command = run.lastCommand;
      expect(command.step).toBe(step);
      spans.push(...spansOf(run, () => run.succeed(command), replyCause(run)));
    }
    expect(spans.map((span) => [span.name, span.kind, span.parentSpanId])).toEqual([
      ['step reserve', 'attempt', saga.spanId],
      ['step charge', 'attempt', saga.spanId],
      ['step ship', 'attempt', saga.spanId],
      ['saga order-fulfillment', 'saga', null],
    ]);
    const [reserve, charge] = spans;
    expect(reserve).toMatchObject({
      saga,
      spanId: attemptSpanId(run.sent[0]!.message_id),
      startTime: at(0),
      endTime: at(100),
      error: null,
      attributes: {
        'saga.id': 'saga-1',
        'saga.name': 'order-fulfillment',
        'saga.version': 1,
        'saga.step': 'reserve',
        'saga.command.kind': 'action',
        'saga.attempt': 1,
        'saga.attempt.outcome': 'success',
        'messaging.message.id': run.sent[0]!.message_id,
        'saga.reply.message_id': replyIdFor(run.sent[0]!),
      },
    });
    expect(charge).toMatchObject({ startTime: at(100), endTime: at(200) });
    expect(spans[3]).toMatchObject({
      spanId: saga.spanId,
      startTime: T0.toISOString(),
      endTime: at(300),
      error: null,
      attributes: { 'saga.id': 'saga-1', 'saga.status': 'COMPLETED', 'saga.correlation_id': 'corr-1' },
    });
  });

  it('ends failed and timed-out attempts with an error, and compensation attempts as their own spans', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    run.succeed(run.lastCommand);
    const charge = run.lastCommand;
    const failed = spansOf(run, () => run.fail(charge, RETRYABLE), replyCause(run));
    expect(failed).toEqual([
      expect.objectContaining({
        name: 'step charge',
        error: RETRYABLE.message,
        attributes: expect.objectContaining({
          'saga.attempt': 1,
          'saga.attempt.outcome': 'failure',
          'saga.error.code': 'BUSY',
        }),
      }),
    ]);
    expect(spansOf(run, () => run.retry('charge'))).toEqual([]);
    const timedOut = spansOf(run, () => run.timeout(run.lastCommand));
    expect(timedOut).toEqual([
      expect.objectContaining({
        name: 'step charge',
        error: expect.stringContaining('no reply'),
        attributes: expect.objectContaining({ 'saga.attempt': 2, 'saga.attempt.outcome': 'timeout' }),
      }),
    ]);
    run.retry('charge');
    const declined = spansOf(run, () => run.fail(run.lastCommand, FATAL), replyCause(run));
    expect(declined.map((span) => span.attributes['saga.attempt.outcome'])).toEqual(['failure']);
    const release = run.lastCommand;
    expect(release).toMatchObject({ kind: 'compensation', step: 'reserve' });
    const last = spansOf(run, () => run.succeed(release), replyCause(run));
    expect(last.map((span) => [span.name, span.error])).toEqual([
      ['compensate reserve', null],
      ['saga order-fulfillment', 'saga ended COMPENSATED'],
    ]);
    expect(last[0]!.attributes).toMatchObject({ 'saga.command.kind': 'compensation', 'saga.attempt': 1 });
  });

  it("parents the saga span on the start request's span, in the caller's trace", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const run = new SagaRun(orderSaga());
    run.start({ trace: { traceparent } });
    const spans = spansOf(run, () => run.fail(run.lastCommand, FATAL), replyCause(run));
    const sagaSpan = spans.find((span) => span.kind === 'saga');
    expect(sagaSpan).toMatchObject({
      parentSpanId: '00f067aa0ba902b7',
      saga: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
    });
  });

  it('ends nothing on a decision that changed nothing', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    const command = run.lastCommand;
    run.succeed(command);
    expect(spansOf(run, () => run.succeed(command), replyCause(run))).toEqual([]);
  });
});
