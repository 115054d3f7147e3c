import type { Decision } from '../../../../src/core/effects';
import { SagaEventType } from '../../../../src/core/events';
import type { SagaState } from '../../../../src/core/state';
import { SagaStatus } from '../../../../src/core/status';
import type { Trigger } from '../../../../src/core/triggers';

/** A run that reached a known defect of the core: it is stopped there, since what follows is broken anyway. */
export class KnownCoreBug extends Error {}

/**
 * An operator retry of a SUSPENDED saga resumes it, and the resume decides a group sibling's failure that arrived
 * meanwhile; when that gives the sibling up (compensation begins, or the saga suspends again on it), the retry
 * still sends the suspended step's action (src/core/decision/operator.ts). Reproduced in
 * known-core-bugs.test.ts; remove this once that test fails.
 */
export function retryAfterResumeGaveUp(trigger: Trigger, before: SagaState, decision: Decision): boolean {
  if (trigger.type !== 'operator-retry' || before.status !== SagaStatus.suspended) return false;
  return decision.events.some(
    (event) =>
      event.data.decidedOnResume === true &&
      (event.type === SagaEventType.stepFailed || event.type === SagaEventType.sagaSuspended),
  );
}
