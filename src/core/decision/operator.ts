import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { Trigger } from '../triggers';
import { SagaEventType } from '../events';
import { CompensationStatus, SagaStatus, StepStatus } from '../status';
import { compensateNext, stopForward } from './backward';
import type { DecisionBuilder } from './decision-builder';
import { resumeAfter } from './suspension';
import { resumeSetAside } from './set-aside';
import { abortRefusal } from '../operator-rules';

type RetryTrigger = Extract<Trigger, { type: 'operator-retry' }>;
type AbortTrigger = Extract<Trigger, { type: 'operator-abort' }>;

/**
 * Resumes a saga an operator may resume: a COMPENSATION_FAILED saga sends its failed compensations again, with a
 * fresh retry budget; a SUSPENDED saga gives its suspended step a new attempt with a fresh budget (and, when given,
 * a payload that replaces the step's from this attempt on).
 */
export function operatorRetry(d: DecisionBuilder, trigger: RetryTrigger): void {
  const { causationId, payload } = trigger;
  if (d.state.status === SagaStatus.compensationFailed) return retryCompensations(d, trigger);
  if (
    d.state.status !== SagaStatus.suspended ||
    d.state.suspension === undefined ||
    d.state.suspension === null
  )
    return;
  if (d.state.suspension.step === null) {
    d.record(SagaEventType.sagaRetried, null, acted(trigger));
    return resumeSetAside(d, causationId);
  }
  const step = d.step(d.indexOf(d.state.suspension.step));
  d.record(SagaEventType.sagaRetried, step.name, { previousAttempts: step.attempts, ...acted(trigger) });
  step.status = StepStatus.running;
  step.finishedAt = null;
  step.budgetStart = step.attempts;
  step.pendingAttempt = { payload: payload ?? null };
  resumeAfter(d, 'an operator retried it', causationId);
}

function retryCompensations(d: DecisionBuilder, trigger: RetryTrigger): void {
  const failed = d.state.steps.filter((step) => step.compensation?.status === CompensationStatus.failed);
  if (failed.length === 0) return;
  d.state.status = SagaStatus.compensating;
  for (const step of failed) step.compensation!.retryRequested = true;
  d.record(SagaEventType.sagaRetried, failed[0]!.name, {
    previousAttempts: failed[0]!.compensation!.attempts,
    steps: failed.map((step) => step.name),
    ...acted(trigger),
  });
  compensateNext(d, trigger.causationId);
}

/** An operator stops a running saga: the step in flight is given up on and compensation starts now. */
export function operatorAbort(d: DecisionBuilder, trigger: AbortTrigger): void {
  if (abortRefusal(d.definition, d.state) !== null) return;
  d.record(SagaEventType.sagaAborted, null, acted(trigger));
  stopForward(d, 'aborted', `aborted: ${trigger.reason}`, trigger.causationId);
}

/** What the saga log keeps of who acted and why: the reason given and the acting key's fingerprint. */
export function acted(trigger: { reason?: string; actor?: string | null }): JsonObject {
  return {
    ...(trigger.reason === undefined ? {} : { reason: trigger.reason }),
    actor: trigger.actor ?? null,
  };
}
