import type { CommandKind, JsonObject, ReplyError } from 'saga-orchestrator-sdk/contracts';
import type { OnErrorAction, RetryPolicy } from '../definition/types';
import { SagaEventType } from '../events';
import { backoffDelayMs, hasAttemptsLeft } from '../retry-policy';
import type { OutstandingAttempt } from '../state';
import { SagaStatus, StepStatus } from '../status';
import { beginCompensation, compensateNext, compensationFailed, endAction } from './backward';
import type { DecisionBuilder } from './decision-builder';

/** The error code a timed-out attempt is known by in `onError` rules. */
export const TIMEOUT_CODE = 'TIMEOUT';

/**
 * An attempt failed or timed out. A compensation is retried while its policy allows, then fails for good. An
 * action follows its step's `onError` rule for the error's code, else retries a retryable failure while attempts
 * remain; when it gives up, the step's type decides: a compensatable step starts compensation, a retriable step (or
 * any step past the pivot) suspends the saga.
 */
export function attemptFailed(
  d: DecisionBuilder,
  index: number,
  kind: CommandKind,
  error: ReplyError,
  causationId: string,
  data: JsonObject,
): void {
  const step = d.step(index);
  const definition = d.stepDefinition(index);
  const track = d.track(step, kind);
  track.error = error;
  const timedOut = track.lastAttemptTimedOut;
  if (kind === 'compensation') {
    if (error.retryable && retryLater(d, index, kind, definition.compensationRetry, causationId, data))
      return;
    return compensationFailed(d, index, error, data, causationId);
  }
  if (d.state.status === SagaStatus.suspended) {
    // Nothing is sent while suspended: the attempt is retried (or given up on) when an operator resumes the saga.
    d.record(attemptFailedEventType(timedOut), step.name, { ...data, attempt: step.attempts, error });
    return;
  }
  if (d.state.status !== SagaStatus.running) {
    // A sibling failed and compensation waits for this attempt: no retry, the outcome is what it is.
    endAction(d, step, timedOut);
    d.record(SagaEventType.stepFailed, step.name, {
      ...data,
      attempt: step.attempts,
      error,
      outcome: outcome(timedOut),
    });
    return compensateNext(d, causationId);
  }
  const rule = definition.onError.find((r) => r.codes.includes(timedOut ? TIMEOUT_CODE : error.code));
  const then: OnErrorAction = rule?.then ?? (error.retryable ? 'retry' : 'compensate');
  if (then === 'retry' && retryLater(d, index, kind, definition.retry, causationId, data)) return;
  if (then === 'suspend') return suspend(d, index, `onError suspends on ${error.code}`, error, data);
  giveUp(d, index, error, data, causationId);
}

/** Schedules the next attempt when the policy has attempts left; false when it has none. */
function retryLater(
  d: DecisionBuilder,
  index: number,
  kind: CommandKind,
  policy: RetryPolicy,
  causationId: string,
  data: JsonObject,
): boolean {
  const step = d.step(index);
  const track = d.track(step, kind);
  const attemptsInBudget = track.attempts - track.budgetStart;
  if (!hasAttemptsLeft(policy, attemptsInBudget)) return false;
  const retryAt = new Date(
    d.ctx.now.getTime() + backoffDelayMs(policy, attemptsInBudget, d.ctx.random),
  ).toISOString();
  d.schedule({ type: 'retry', step: step.name, kind, attempt: track.attempts + 1, causationId }, retryAt);
  const type =
    kind === 'action'
      ? attemptFailedEventType(track.lastAttemptTimedOut)
      : track.lastAttemptTimedOut
        ? SagaEventType.compensationAttemptTimedOut
        : SagaEventType.compensationAttemptFailed;
  d.record(type, step.name, { ...data, attempt: track.attempts, error: track.error, retryAt });
  return true;
}

/** The action will not be tried again. Only a compensatable step (or the pivot, before it succeeded) undoes the saga. */
function giveUp(
  d: DecisionBuilder,
  index: number,
  error: ReplyError,
  data: JsonObject,
  causationId: string,
): void {
  const step = d.step(index);
  const { type } = d.stepDefinition(index);
  if (type === 'retriable' || d.pastPivot())
    return suspend(d, index, 'a retriable step gave up', error, data);
  if (type === 'pivot' && step.lastAttemptTimedOut) {
    // Whether the point of no return was passed is unknown: an operator decides, rather than undoing blindly.
    return suspend(d, index, "the pivot's outcome is unknown", error, data);
  }
  endAction(d, step, step.lastAttemptTimedOut);
  d.record(SagaEventType.stepFailed, step.name, {
    ...data,
    attempt: step.attempts,
    error,
    outcome: outcome(step.lastAttemptTimedOut),
  });
  beginCompensation(d, { reason: 'step-failed', step: step.name, at: d.nowIso }, causationId);
}

/** The saga waits for an operator: no timer runs and nothing is sent. */
export function suspend(
  d: DecisionBuilder,
  index: number,
  reason: string,
  error: ReplyError,
  data: JsonObject,
): void {
  const step = d.step(index);
  step.status = step.lastAttemptTimedOut ? StepStatus.unknown : StepStatus.failed;
  step.finishedAt = d.nowIso;
  d.state.status = SagaStatus.suspended;
  d.state.suspension = { step: step.name, reason, at: d.nowIso };
  d.record(SagaEventType.sagaSuspended, step.name, { ...data, attempt: step.attempts, error, reason });
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

function attemptFailedEventType(timedOut: boolean): SagaEventType {
  return timedOut ? SagaEventType.stepAttemptTimedOut : SagaEventType.stepAttemptFailed;
}

function outcome(timedOut: boolean): 'unknown' | 'failed' {
  return timedOut ? 'unknown' : 'failed';
}
