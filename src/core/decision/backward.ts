import type { JsonObject, ReplyError } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../events';
import type { CompensationCause, SagaState, StepState } from '../state';
import { CompensationStatus, SagaStatus, StepStatus } from '../status';
import { type DecisionBuilder, newTrack } from './decision-builder';

// The saga's way back: the stages that ran are undone latest first. Within a group, every member is undone at once
// (`parallel`) or one at a time in reverse completion order (`reverse`); a member's compensation never overtakes
// its own action (a member attempt still outstanding is waited for); a failed compensation does not stop its
// siblings', and the saga ends COMPENSATION_FAILED once the stage is done, with every failure listed.

/** Compensation starts: the forward work still waiting (a retry, say) is given up on, then the stages are undone. */
export function beginCompensation(d: DecisionBuilder, cause: CompensationCause, causationId: string): void {
  d.state.status = SagaStatus.compensating;
  d.state.compensationCause = cause;
  if (d.state.deadlineAt !== null) d.cancel({ type: 'saga-deadline' });
  d.record(SagaEventType.compensationStarted, cause.step, { reason: cause.reason });
  for (const step of d.state.steps) {
    if (step.status === StepStatus.running && step.outstanding === null) stopWaitingStep(d, step);
  }
  compensateNext(d, causationId);
}

/** A step waiting for its next attempt will not get one: its last attempt's outcome is what it ends with. */
function stopWaitingStep(d: DecisionBuilder, step: StepState): void {
  d.cancelPendingTimers(step.name, 'action', step);
  const outcomeUnknown = step.lastAttemptTimedOut;
  endAction(d, step, outcomeUnknown);
  d.record(SagaEventType.stepFailed, step.name, {
    reason: 'compensation began',
    outcome: outcomeUnknown ? 'unknown' : 'failed',
  });
}

/** Ends a step's action without success: its outcome is unknown when its last attempt got no answer. */
export function endAction(d: DecisionBuilder, step: StepState, outcomeUnknown: boolean): void {
  step.status = outcomeUnknown ? StepStatus.unknown : StepStatus.failed;
  step.outstanding = null;
  delete step.pendingAttempt;
  step.finishedAt = d.nowIso;
  if (outcomeUnknown) d.markCompleted(step);
}

function needsUndo(d: DecisionBuilder, index: number): boolean {
  const step = d.step(index);
  const ran = step.status === StepStatus.succeeded || step.status === StepStatus.unknown;
  const waiting = step.compensation === null || step.compensation.retryRequested === true;
  return ran && waiting && d.stepDefinition(index).compensationCommand !== null;
}

/** Latest completed first; a step that never got an order (stored before it existed) by its place in the saga. */
function latestFirst(d: DecisionBuilder, indexes: number[]): number[] {
  const order = (index: number) => d.step(index).completionOrder ?? index;
  return [...indexes].sort((a, b) => order(b) - order(a));
}

/** Sends the next compensations due, or ends the saga when nothing is left to undo. */
export function compensateNext(d: DecisionBuilder, causationId: string): void {
  for (let stage = d.definition.stages.length - 1; stage >= 0; stage--) {
    const members = d.stageSteps(stage);
    const busy = members.some((index) => {
      const step = d.step(index);
      const actionOutstanding = step.status === StepStatus.running && step.outstanding !== null;
      return actionOutstanding || step.compensation?.status === CompensationStatus.running;
    });
    if (busy) return;
    const pending = latestFirst(
      d,
      members.filter((index) => needsUndo(d, index)),
    );
    if (pending.length > 0) {
      const found = d.definition.stages[stage]!;
      const atOnce = found.kind === 'group' && found.compensation === 'parallel';
      for (const index of atOnce ? pending : pending.slice(0, 1)) startCompensation(d, index, causationId);
      return;
    }
    const failed = members
      .map((index) => d.step(index))
      .filter((s) => s.compensation?.status === CompensationStatus.failed);
    if (failed.length > 0) {
      finishSaga(d, SagaStatus.compensationFailed, SagaEventType.sagaCompensationFailed, {
        step: failed[0]!.name,
        steps: failed.map((step) => step.name),
      });
      return;
    }
  }
  finishSaga(d, SagaStatus.compensated, SagaEventType.sagaCompensated, {});
}

function startCompensation(d: DecisionBuilder, index: number, causationId: string): void {
  const step = d.step(index);
  const previous = step.compensation;
  if (previous === null) {
    step.compensation = { status: CompensationStatus.running, ...newTrack(), startedAt: d.nowIso };
  } else {
    // An operator's retry: the next attempt, with a fresh budget.
    previous.status = CompensationStatus.running;
    previous.retryRequested = false;
    previous.finishedAt = null;
    previous.budgetStart = previous.attempts;
  }
  d.sendCommand(index, 'compensation', (previous?.attempts ?? 0) + 1, causationId);
}

/** A compensation failed for good: it is listed in the saga's errors, and the stage's other compensations go on. */
export function compensationFailed(
  d: DecisionBuilder,
  index: number,
  error: ReplyError,
  data: JsonObject,
  causationId: string,
): void {
  const step = d.step(index);
  step.compensation!.status = CompensationStatus.failed;
  step.compensation!.finishedAt = d.nowIso;
  d.state.errors = [...(d.state.errors ?? []), { step: step.name, error, at: d.nowIso }];
  d.record(SagaEventType.compensationFailed, step.name, {
    ...data,
    attempt: step.compensation!.attempts,
    error,
  });
  compensateNext(d, causationId);
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

/**
 * The saga deadline passed or an operator aborted: the step in flight is given up on — its outcome is unknown when
 * an attempt was outstanding or the last one timed out, else it failed — and compensation starts. A group's members
 * with an attempt outstanding are waited for instead: compensation never overtakes an action.
 */
export function stopForward(
  d: DecisionBuilder,
  cause: CompensationCause['reason'],
  why: string,
  causationId: string | null,
): void {
  let causation = causationId ?? d.state.id;
  let failing: string | null = null;
  d.state.steps.forEach((step, index) => {
    if (step.status !== StepStatus.running) return;
    failing ??= step.name;
    const inGroup = d.definition.stages[d.stepDefinition(index).stage]?.kind === 'group';
    if (inGroup && step.outstanding !== null) return;
    d.cancelPendingTimers(step.name, 'action', step);
    if (causationId === null) causation = step.outstanding?.messageId ?? causation;
    const outcomeUnknown = step.outstanding !== null || step.lastAttemptTimedOut;
    endAction(d, step, outcomeUnknown);
    d.record(SagaEventType.stepFailed, step.name, {
      reason: why,
      outcome: outcomeUnknown ? 'unknown' : 'failed',
    });
  });
  beginCompensation(d, { reason: cause, step: failing, at: d.nowIso }, causation);
}
