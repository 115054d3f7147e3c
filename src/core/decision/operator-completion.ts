import { SagaEventType } from '../events';
import { completeCompensationRefusal, completeStepRefusal } from '../operator-rules';
import { CompensationStatus, SagaStatus, StepStatus } from '../status';
import type { Trigger } from '../triggers';
import { compensateNext } from './backward';
import type { DecisionBuilder } from './decision-builder';
import { actionSucceeded } from './forward';
import { acted } from './operator';
import { resumeAfter } from './suspension';

type CompleteStep = Extract<Trigger, { type: 'operator-complete-step' }>;
type CompleteCompensation = Extract<Trigger, { type: 'operator-complete-compensation' }>;

/**
 * An operator did by hand what the step's action should have done: the step succeeds with the operator's output,
 * whatever attempt was outstanding or awaited is dropped (a late reply to it is ignored), and the saga goes on as
 * after any success — a saga suspended on this step runs again.
 */
export function operatorCompleteStep(d: DecisionBuilder, trigger: CompleteStep): void {
  if (completeStepRefusal(d.state, trigger.step) !== null) return;
  const index = d.indexOf(trigger.step);
  const step = d.step(index);
  const suspendedHere = d.state.status === SagaStatus.suspended && d.state.suspension?.step === step.name;
  if (d.state.status === SagaStatus.running) d.cancelPendingTimers(step.name, 'action', step);
  step.outstanding = null;
  step.finishedAt = d.nowIso;
  step.error = null;
  step.lastAttemptTimedOut = false;
  step.output = trigger.output;
  delete step.pendingAttempt;
  d.record(SagaEventType.stepCompletedByOperator, step.name, {
    output: trigger.output,
    ...acted(trigger),
  });
  if (suspendedHere) {
    step.status = StepStatus.succeeded;
    d.markCompleted(step);
    resumeAfter(d, `an operator completed step ${step.name}`, trigger.causationId);
  }
  actionSucceeded(d, index, trigger.causationId);
}

/**
 * An operator undid by hand what the step's compensation should have: it counts as succeeded, it leaves the
 * saga's errors, and compensation goes on with what is left to undo — a COMPENSATION_FAILED saga compensates again.
 */
export function operatorCompleteCompensation(d: DecisionBuilder, trigger: CompleteCompensation): void {
  if (completeCompensationRefusal(d.state, trigger.step) !== null) return;
  const step = d.step(d.indexOf(trigger.step));
  const compensation = step.compensation!;
  if (compensation.status === CompensationStatus.running) {
    d.cancelPendingTimers(step.name, 'compensation', compensation);
  }
  compensation.status = CompensationStatus.succeeded;
  compensation.outstanding = null;
  compensation.finishedAt = d.nowIso;
  compensation.retryRequested = false;
  d.state.errors = (d.state.errors ?? []).filter((error) => error.step !== step.name);
  d.record(SagaEventType.compensationCompletedByOperator, step.name, acted(trigger));
  if (d.state.status === SagaStatus.compensationFailed) d.state.status = SagaStatus.compensating;
  compensateNext(d, trigger.causationId);
}
