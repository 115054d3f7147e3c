import type { SagaDefinition } from './definition/types';
import type { SagaState } from './state';
import { CompensationStatus, SagaStatus, StepStatus } from './status';

/** Whether the saga's pivot succeeded: from then on it can only go forward. */
export function pivotPassed(definition: SagaDefinition, state: SagaState): boolean {
  const { pivot } = definition;
  return pivot !== null && state.steps[pivot]?.status === StepStatus.succeeded;
}

/** Why an operator may not abort the saga now, or null when it may. */
export function abortRefusal(definition: SagaDefinition, state: SagaState): string | null {
  if (state.status !== SagaStatus.running) return 'be aborted (only RUNNING sagas can)';
  if (definition.pivot === null) return null;
  const pivot = state.steps[definition.pivot]!;
  if (pivot.status === StepStatus.succeeded) {
    return `be aborted: its pivot "${pivot.name}" succeeded, it can only go forward`;
  }
  if (pivot.status === StepStatus.running) {
    return `be aborted now: its pivot "${pivot.name}" is running, and its outcome decides whether it can go back`;
  }
  return null;
}

/** Why an operator may not retry the saga now, or null when it may. */
export function retryRefusal(state: SagaState): string | null {
  if (state.status === SagaStatus.compensationFailed || state.status === SagaStatus.suspended) return null;
  return 'be retried (only COMPENSATION_FAILED and SUSPENDED sagas can)';
}

/**
 * Why an operator may not take the step's action as succeeded now, or null when it may: its action must be running
 * (an attempt outstanding or a retry awaited) while the saga runs or waits for an operator, or be the step the saga
 * is suspended on.
 */
export function completeStepRefusal(state: SagaState, stepName: string): string | null {
  const step = state.steps.find((candidate) => candidate.name === stepName);
  if (step === undefined) return `have step "${stepName}" completed: it has no such step`;
  const waiting = state.status === SagaStatus.running || state.status === SagaStatus.suspended;
  if (waiting && step.status === StepStatus.running) return null;
  if (state.status === SagaStatus.suspended && state.suspension?.step === stepName) return null;
  return `have step "${stepName}" completed: its action is ${step.status}, not running, waiting for a retry or suspended`;
}

/** Whether the step's action already succeeded: a completion asked for again is already in effect. */
export function stepAlreadySucceeded(state: SagaState, stepName: string): boolean {
  return state.steps.find((step) => step.name === stepName)?.status === StepStatus.succeeded;
}

/** Why an operator may not take the step's compensation as done now, or null when it may: it must be running or failed. */
export function completeCompensationRefusal(state: SagaState, stepName: string): string | null {
  const step = state.steps.find((candidate) => candidate.name === stepName);
  if (step === undefined) return `have the compensation of step "${stepName}" completed: it has no such step`;
  const compensating =
    state.status === SagaStatus.compensating || state.status === SagaStatus.compensationFailed;
  const status = step.compensation?.status;
  if (compensating && (status === CompensationStatus.running || status === CompensationStatus.failed))
    return null;
  return `have the compensation of step "${stepName}" completed: it is ${status ?? 'not started'}, not running or failed`;
}

/** Whether the step's compensation already succeeded: a completion asked for again is already in effect. */
export function compensationAlreadySucceeded(state: SagaState, stepName: string): boolean {
  const step = state.steps.find((candidate) => candidate.name === stepName);
  return step?.compensation?.status === CompensationStatus.succeeded;
}
