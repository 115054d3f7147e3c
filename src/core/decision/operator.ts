import { SagaEventType } from '../events';
import { CompensationStatus, SagaStatus } from '../status';
import type { DecisionBuilder } from './decision-builder';
import { stopForward } from './saga-flow';

/** Resumes a COMPENSATION_FAILED saga: the failed compensation is sent again with a fresh retry budget. */
export function operatorRetry(d: DecisionBuilder, causationId: string): void {
  if (d.state.status !== SagaStatus.compensationFailed) {
    return;
  }
  const index = d.state.steps.findIndex((s) => s.compensation?.status === CompensationStatus.failed);
  const compensation = d.state.steps[index]?.compensation;
  if (compensation === undefined || compensation === null) {
    return;
  }
  d.state.status = SagaStatus.compensating;
  compensation.status = CompensationStatus.running;
  compensation.finishedAt = null;
  compensation.budgetStart = compensation.attempts;
  d.record(SagaEventType.sagaRetried, d.step(index).name, {
    previousAttempts: compensation.attempts,
  });
  d.sendCommand(index, 'compensation', compensation.attempts + 1, causationId);
}

/** An operator stops a running saga: the step in flight is given up on and compensation starts now. */
export function operatorAbort(d: DecisionBuilder, reason: string, causationId: string): void {
  if (d.state.status !== SagaStatus.running) {
    return;
  }
  d.record(SagaEventType.sagaAborted, null, { reason });
  stopForward(d, 'aborted', `aborted: ${reason}`, causationId);
}
