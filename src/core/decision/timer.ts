import type { ReplyError } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../events';
import { SagaStatus, StepStatus, isTerminal } from '../status';
import type { TimerPayload } from '../timers';
import type { DecisionBuilder } from './decision-builder';
import { attemptFailed, suspend } from './attempts';
import { stopForward } from './backward';

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
  if (track === null) return;
  if (timer.type === 'attempt-timeout') {
    // An action attempt a failing group still waits for times out while the saga compensates.
    const waitedOn =
      d.state.status === SagaStatus.compensating ||
      (timer.kind === 'action' && d.state.status === SagaStatus.running);
    if (!waitedOn) return;
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
  const retrying = timer.kind === 'action' ? SagaStatus.running : SagaStatus.compensating;
  if (d.state.status !== retrying) return;
  if (track.outstanding === null && track.attempts === timer.attempt - 1 && track.finishedAt === null) {
    d.sendCommand(index, timer.kind, timer.attempt, timer.causationId);
  }
}

/**
 * Before the pivot the deadline starts compensation; past it, the saga can only go forward and the deadline is
 * moot. While the pivot's attempt is in flight its answer decides (the deadline is looked at again just after that
 * attempt's own timeout); when its last attempt timed out, whether the point of no return was passed is unknown and
 * an operator decides.
 */
export function sagaDeadlinePassed(d: DecisionBuilder): void {
  if (d.state.status !== SagaStatus.running || d.pastPivot()) {
    return;
  }
  const pivot = d.definition.pivot === null ? null : d.step(d.definition.pivot);
  if (pivot?.status === StepStatus.running && pivot.outstanding !== null) {
    const after = new Date(
      Math.max(d.ctx.now.getTime(), Date.parse(pivot.outstanding.deadline)) + 1,
    ).toISOString();
    d.record(SagaEventType.sagaDeadlinePassed, pivot.name, {
      deadline: d.state.deadlineAt,
      waitingFor: pivot.name,
    });
    d.schedule({ type: 'saga-deadline' }, after);
    return;
  }
  d.record(SagaEventType.sagaDeadlinePassed, null, { deadline: d.state.deadlineAt });
  if (pivot?.status === StepStatus.running && pivot.lastAttemptTimedOut && pivot.error !== null) {
    d.cancelPendingTimers(pivot.name, 'action', pivot);
    return suspend(
      d,
      d.definition.pivot!,
      "the saga deadline passed and the pivot's outcome is unknown",
      pivot.error,
      {},
    );
  }
  stopForward(d, 'saga-deadline', 'saga deadline passed', null);
}
