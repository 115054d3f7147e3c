import type { SagaDefinition } from './definition/types';
import type { SagaState } from './state';
import { SagaStatus, StepStatus } from './status';

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
