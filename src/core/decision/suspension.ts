import { SagaEventType } from '../events';
import { SagaStatus, StepStatus } from '../status';
import { attemptFailed } from './attempts';
import type { DecisionBuilder } from './decision-builder';

/**
 * A SUSPENDED saga runs again: its deadline (before the pivot) is armed again — at once if it has passed — and so
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
  if (d.state.deadlineAt !== null && !d.pastPivot()) {
    const at = new Date(Math.max(d.ctx.now.getTime(), Date.parse(d.state.deadlineAt))).toISOString();
    d.schedule({ type: 'saga-deadline' }, at);
  }
  d.state.steps.forEach((step, index) => {
    if (step.status !== StepStatus.running || step.pendingAttempt !== undefined) return;
    if (step.outstanding !== null) {
      step.outstanding.deadline = new Date(
        d.ctx.now.getTime() + d.stepDefinition(index).timeoutMs,
      ).toISOString();
      const { attempt, messageId, deadline } = step.outstanding;
      d.schedule({ type: 'attempt-timeout', step: step.name, kind: 'action', attempt, messageId }, deadline);
    } else if (step.error !== null && d.state.status === SagaStatus.running) {
      attemptFailed(d, index, 'action', step.error, d.state.id, { decidedOnResume: true });
    }
  });
  d.state.steps.forEach((step, index) => {
    if (step.pendingAttempt === undefined || d.state.status !== SagaStatus.running) return;
    if (step.pendingAttempt.payload !== null) step.payload = step.pendingAttempt.payload;
    delete step.pendingAttempt;
    step.lastAttemptTimedOut = false;
    d.sendCommand(index, 'action', step.attempts + 1, causationId);
  });
}
