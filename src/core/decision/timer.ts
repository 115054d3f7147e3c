import type { ReplyError } from '../../contracts/reply';
import { SagaEventType } from '../events';
import { SagaStatus, isTerminal } from '../status';
import type { TimerPayload } from '../timers';
import type { DecisionBuilder } from './decision-builder';
import { attemptFailed, stopForward } from './saga-flow';

/** A durable timer fired: an attempt timed out, a retry is due, or the saga's deadline passed. */
export function applyTimer(d: DecisionBuilder, timer: TimerPayload): void {
  if (isTerminal(d.state.status)) {
    return;
  }
  if (timer.type === 'saga-deadline') {
    return sagaDeadlinePassed(d);
  }
  const index = d.state.steps.findIndex((s) => s.name === timer.step);
  if (index < 0) {
    return;
  }
  const step = d.step(index);
  const track = timer.kind === 'action' ? step : step.compensation;
  const expectedSagaStatus = timer.kind === 'action' ? SagaStatus.running : SagaStatus.compensating;
  if (track === null || d.state.status !== expectedSagaStatus) {
    return;
  }
  if (timer.type === 'attempt-timeout') {
    if (track.outstanding?.messageId !== timer.messageId) {
      return;
    }
    track.outstanding = null;
    track.lastAttemptTimedOut = true;
    const timeoutMs = d.stepDefinition(index).timeoutMs;
    const error: ReplyError = {
      code: 'TIMEOUT',
      message: `attempt ${timer.attempt} got no reply within ${timeoutMs}ms`,
      retryable: true,
    };
    attemptFailed(d, index, timer.kind, error, timer.messageId, {
      messageId: timer.messageId,
      timedOut: true,
    });
    return;
  }
  if (track.outstanding === null && track.attempts === timer.attempt - 1 && track.finishedAt === null) {
    d.sendCommand(index, timer.kind, timer.attempt, timer.causationId);
  }
}

export function sagaDeadlinePassed(d: DecisionBuilder): void {
  if (d.state.status !== SagaStatus.running) {
    return;
  }
  d.record(SagaEventType.sagaDeadlinePassed, null, { deadline: d.state.deadlineAt });
  stopForward(d, 'saga-deadline', 'saga deadline passed', null);
}
