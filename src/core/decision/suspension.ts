import type { CommandKind } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../events';
import { SagaStatus, StepStatus } from '../status';
import { attemptFailed } from './attempts';
import { sagaDeadlinePassed } from './timer';
import type { DecisionBuilder } from './decision-builder';

/**
 * A SUSPENDED saga runs again: its deadline (before the pivot) is armed again — or applied now if it passed — and so
 * are the timeouts of the attempts still outstanding, all dropped when it was suspended. An attempt that failed
 * meanwhile is decided on now, as if its failure had just arrived. Only then, if the saga still runs, do the new
 * attempts operators asked for go out: a compensation that began never follows an action sent in the same breath,
 * and a saga suspended again (on a sibling) keeps them for its next resume.
 */
export function resumeAfter(d: DecisionBuilder, reason: string, causationId: string = d.state.id): void {
  const suspended = d.state.suspension?.step ?? null;
  d.state.status = SagaStatus.running;
  d.state.suspension = null;
  d.record(SagaEventType.sagaResumed, suspended, { reason });
  const deadlinePassed =
    d.state.deadlineAt !== null && !d.pastPivot() && Date.parse(d.state.deadlineAt) <= d.ctx.now.getTime();
  if (d.state.deadlineAt !== null && !d.pastPivot() && !deadlinePassed) {
    d.schedule({ type: 'saga-deadline' }, d.state.deadlineAt);
  }
  d.state.steps.forEach((step, index) => {
    if (step.status !== StepStatus.running || step.pendingAttempt !== undefined) return;
    if (step.outstanding !== null) {
      rearmOutstanding(d, index, 'action');
    } else if (step.error !== null && d.state.status === SagaStatus.running) {
      attemptFailed(d, index, 'action', step.error, d.state.id, { decidedOnResume: true });
    }
  });
  // The deadline passed while the saga waited: it applies now, before any new attempt is sent.
  if (deadlinePassed && d.state.status === SagaStatus.running) sagaDeadlinePassed(d);
  d.state.steps.forEach((step, index) => {
    if (step.pendingAttempt === undefined || d.state.status !== SagaStatus.running) return;
    if (step.pendingAttempt.payload !== null) step.payload = step.pendingAttempt.payload;
    delete step.pendingAttempt;
    step.lastAttemptTimedOut = false;
    d.sendCommand(index, 'action', step.attempts + 1, causationId);
  });
}

/** The attempt still outstanding on this track gets a full timeout from now (its timer was dropped). */
export function rearmOutstanding(d: DecisionBuilder, index: number, kind: CommandKind): void {
  const step = d.step(index);
  const outstanding = d.track(step, kind).outstanding!;
  outstanding.deadline = new Date(d.ctx.now.getTime() + d.stepDefinition(index).timeoutMs).toISOString();
  const { attempt, messageId, deadline } = outstanding;
  d.schedule({ type: 'attempt-timeout', step: step.name, kind, attempt, messageId }, deadline);
}
