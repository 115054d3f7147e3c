import { cloneJson } from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from '../context';
import type { Decision } from '../effects';
import { SagaEventType } from '../events';
import type { SagaState } from '../state';
import { CompensationStatus, SagaStatus, StepStatus, isTerminal } from '../status';
import type { DecisionBuilder } from './decision-builder';
import { rearmOutstanding, resumeAfter } from './suspension';

/**
 * A saga whose definition version cannot be had (not stored, or stored in a form this engine cannot read) is set
 * aside: SUSPENDED with no step, the reason in its log, and none of its timers left to fire, instead of being tried
 * again forever. Decided without the definition, which is what is missing. A saga that has ended or already waits
 * for an operator stays as it is.
 */
export function setAside(state: SagaState, reason: string, ctx: DecisionContext): Decision {
  if (isTerminal(state.status) || state.status === SagaStatus.suspended) {
    return { state, changed: false, effects: [], events: [] };
  }
  const at = ctx.now.toISOString();
  const next = cloneJson(state);
  next.suspension = { step: null, reason, at, resumeStatus: state.status };
  next.status = SagaStatus.suspended;
  next.updatedAt = at;
  return {
    state: next,
    changed: true,
    effects: [],
    events: [{ type: SagaEventType.sagaSuspended, at, step: null, data: { reason, version: state.version } }],
  };
}

/**
 * An operator resumes a saga that was set aside, once its definition can be had: it goes back to what it was
 * doing. Its timers were dropped, so every attempt still outstanding gets its timeout again, and a compensation
 * that waited for its next attempt is sent now.
 */
export function resumeSetAside(d: DecisionBuilder, causationId: string): void {
  if (d.state.suspension?.resumeStatus !== SagaStatus.compensating) {
    return resumeAfter(d, 'an operator resumed it', causationId);
  }
  d.state.status = SagaStatus.compensating;
  d.state.suspension = null;
  d.record(SagaEventType.sagaResumed, null, { reason: 'an operator resumed it' });
  d.state.steps.forEach((step, index) => {
    if (step.status === StepStatus.running && step.outstanding !== null) rearmOutstanding(d, index, 'action');
    const compensation = step.compensation;
    if (compensation?.status !== CompensationStatus.running) return;
    if (compensation.outstanding !== null) rearmOutstanding(d, index, 'compensation');
    else d.sendCommand(index, 'compensation', compensation.attempts + 1, causationId);
  });
}
