import { SagaEventType } from '../events';
import { SagaStatus, StepStatus } from '../status';
import { attemptFailed } from './attempts';
import type { DecisionBuilder } from './decision-builder';

/**
 * A SUSPENDED saga runs again: its deadline (before the pivot) is armed again — at once if it has passed — and so
 * are the timeouts of the attempts still outstanding, all dropped when it was suspended. An attempt that failed
 * meanwhile is decided on now, as if its failure had just arrived.
 */
export function resumeAfter(d: DecisionBuilder, reason: string): void {
  const suspended = d.state.suspension?.step ?? null;
  d.state.status = SagaStatus.running;
  d.state.suspension = null;
  d.record(SagaEventType.sagaResumed, suspended, { reason });
  if (d.state.deadlineAt !== null && !d.pastPivot()) {
    const at = new Date(Math.max(d.ctx.now.getTime(), Date.parse(d.state.deadlineAt))).toISOString();
    d.schedule({ type: 'saga-deadline' }, at);
  }
  d.state.steps.forEach((step, index) => {
    if (step.status !== StepStatus.running || step.name === suspended) return;
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
}
