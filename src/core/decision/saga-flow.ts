import type { CommandKind } from '../../contracts/command';
import type { JsonObject } from '../../contracts/json';
import type { ReplyError } from '../../contracts/reply';
import { renderPayload } from '../definition/expressions';
import type { RetryPolicy } from '../definition/types';
import { SagaEventType } from '../events';
import { backoffDelayMs, hasAttemptsLeft } from '../retry-policy';
import type { AttemptTrack, CompensationCause, OutstandingAttempt, SagaState } from '../state';
import { CompensationStatus, SagaStatus, StepStatus } from '../status';
import { type DecisionBuilder, newTrack } from './decision-builder';

// The saga's course: steps forward one after another, attempts retried or given up on, compensation backward.

/** Starts a step: renders its payload from the saga's data and sends its action. */
export function startStep(d: DecisionBuilder, index: number, causationId: string): void {
  const stepDefinition = d.stepDefinition(index);
  const step = d.step(index);
  step.status = StepStatus.running;
  step.startedAt = d.nowIso;
  step.payload = renderPayload(stepDefinition.payload, {
    input: d.state.input,
    steps: Object.fromEntries(d.state.steps.map((s) => [s.name, { output: s.output }])),
    saga: { id: d.state.id, correlationId: d.state.correlationId },
  });
  d.sendCommand(index, 'action', 1, causationId);
}

export function advance(d: DecisionBuilder, index: number, causationId: string): void {
  if (index + 1 < d.state.steps.length) {
    startStep(d, index + 1, causationId);
    return;
  }
  finishSaga(d, SagaStatus.completed, SagaEventType.sagaCompleted, {});
}

export function beginCompensation(d: DecisionBuilder, cause: CompensationCause, causationId: string): void {
  d.state.status = SagaStatus.compensating;
  d.state.compensationCause = cause;
  if (d.state.deadlineAt !== null) {
    d.cancel({ type: 'saga-deadline' });
  }
  d.record(SagaEventType.compensationStarted, cause.step, { reason: cause.reason });
  compensateNext(d, causationId);
}

/** Compensates, one at a time and latest first, every step that succeeded or whose outcome is unknown. */
export function compensateNext(d: DecisionBuilder, causationId: string): void {
  for (let index = d.state.steps.length - 1; index >= 0; index--) {
    const step = d.step(index);
    const needsUndo = step.status === StepStatus.succeeded || step.status === StepStatus.unknown;
    if (!needsUndo || step.compensation !== null || d.stepDefinition(index).compensationCommand === null) {
      continue;
    }
    step.compensation = { status: CompensationStatus.running, ...newTrack(), startedAt: d.nowIso };
    d.sendCommand(index, 'compensation', 1, causationId);
    return;
  }
  finishSaga(d, SagaStatus.compensated, SagaEventType.sagaCompensated, {});
}

export function finishSaga(
  d: DecisionBuilder,
  status: SagaState['status'],
  type: SagaEventType,
  data: JsonObject,
): void {
  d.state.status = status;
  if (status === SagaStatus.completed && d.state.deadlineAt !== null) {
    d.cancel({ type: 'saga-deadline' });
  }
  d.record(type, null, data);
}

/** The participant is still working: the attempt's timeout starts over from now. */
export function extendAttempt(
  d: DecisionBuilder,
  index: number,
  kind: CommandKind,
  attempt: OutstandingAttempt,
  progressId: string,
): void {
  const step = d.step(index);
  attempt.deadline = new Date(d.ctx.now.getTime() + d.stepDefinition(index).timeoutMs).toISOString();
  const { messageId } = attempt;
  d.schedule(
    { type: 'attempt-timeout', step: step.name, kind, attempt: attempt.attempt, messageId },
    attempt.deadline,
  );
  d.record(SagaEventType.attemptExtended, step.name, {
    kind,
    attempt: attempt.attempt,
    messageId,
    progressId,
    deadline: attempt.deadline,
  });
}

/**
 * Gives up on the step in flight — its outcome is unknown when an attempt was outstanding or the last one timed
 * out, else it failed — and starts compensating.
 */
export function stopForward(
  d: DecisionBuilder,
  cause: CompensationCause['reason'],
  why: string,
  causationId: string | null,
): void {
  let causation = causationId ?? d.state.id;
  const running = d.state.steps.find((s) => s.status === StepStatus.running);
  if (running !== undefined) {
    cancelPendingTimers(d, running.name, 'action', running);
    const outcomeUnknown = running.outstanding !== null || running.lastAttemptTimedOut;
    if (causationId === null) causation = running.outstanding?.messageId ?? causation;
    running.status = outcomeUnknown ? StepStatus.unknown : StepStatus.failed;
    running.outstanding = null;
    running.finishedAt = d.nowIso;
    d.record(SagaEventType.stepFailed, running.name, {
      reason: why,
      outcome: outcomeUnknown ? 'unknown' : 'failed',
    });
  }
  beginCompensation(d, { reason: cause, step: running?.name ?? null, at: d.nowIso }, causation);
}

/** An attempt failed or timed out: retry while the policy allows, otherwise give up on the track. */
export function attemptFailed(
  d: DecisionBuilder,
  index: number,
  kind: CommandKind,
  error: ReplyError,
  causationId: string,
  data: JsonObject,
): void {
  const step = d.step(index);
  const stepDefinition = d.stepDefinition(index);
  const track = d.track(step, kind);
  const policy: RetryPolicy = kind === 'action' ? stepDefinition.retry : stepDefinition.compensationRetry;
  track.error = error;
  const timedOut = track.lastAttemptTimedOut;
  const attemptsInBudget = track.attempts - track.budgetStart;
  if (error.retryable && hasAttemptsLeft(policy, attemptsInBudget)) {
    const delayMs = backoffDelayMs(policy, attemptsInBudget);
    const retryAt = new Date(d.ctx.now.getTime() + delayMs).toISOString();
    d.schedule({ type: 'retry', step: step.name, kind, attempt: track.attempts + 1, causationId }, retryAt);
    const type = attemptFailedEventType(kind, timedOut);
    d.record(type, step.name, { ...data, attempt: track.attempts, error, retryAt });
    return;
  }
  track.finishedAt = d.nowIso;
  if (kind === 'action') {
    step.status = timedOut ? StepStatus.unknown : StepStatus.failed;
    d.record(SagaEventType.stepFailed, step.name, {
      ...data,
      attempt: track.attempts,
      error,
      outcome: timedOut ? 'unknown' : 'failed',
    });
    beginCompensation(d, { reason: 'step-failed', step: step.name, at: d.nowIso }, causationId);
    return;
  }
  step.compensation!.status = CompensationStatus.failed;
  d.record(SagaEventType.compensationFailed, step.name, { ...data, attempt: track.attempts, error });
  finishSaga(d, SagaStatus.compensationFailed, SagaEventType.sagaCompensationFailed, { step: step.name });
}

export function cancelPendingTimers(
  d: DecisionBuilder,
  stepName: string,
  kind: CommandKind,
  track: AttemptTrack,
): void {
  if (track.outstanding !== null) {
    const { attempt, messageId } = track.outstanding;
    d.cancel({ type: 'attempt-timeout', step: stepName, kind, attempt, messageId });
  } else {
    d.cancel({ type: 'retry', step: stepName, kind, attempt: track.attempts + 1, causationId: '' });
  }
}

function attemptFailedEventType(kind: CommandKind, timedOut: boolean): SagaEventType {
  if (kind === 'action') {
    return timedOut ? SagaEventType.stepAttemptTimedOut : SagaEventType.stepAttemptFailed;
  }
  return timedOut ? SagaEventType.compensationAttemptTimedOut : SagaEventType.compensationAttemptFailed;
}
