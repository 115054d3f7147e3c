import { cloneJson } from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from '../context';
import type { SagaDefinition } from '../definition/types';
import type { SagaState } from '../state';
import type { Decision } from '../effects';
import { SagaEventType } from '../events';
import { migrationRefusals } from '../migration';
import { StepStatus } from '../status';
import type { Trigger } from '../triggers';
import { DecisionBuilder, newStepState } from './decision-builder';

type MigrateTrigger = Extract<Trigger, { type: 'operator-migrate' }>;

/**
 * Moves the saga from `definition` to the trigger's target: every started step keeps its state (outputs,
 * attempts, the attempt still outstanding and its timer), every step not started yet is the target's. Nothing is
 * sent: the saga goes on from where it stands, and its next stage is the target's. Refused, nothing changes.
 */
export function operatorMigrate(
  definition: SagaDefinition,
  state: SagaState,
  trigger: MigrateTrigger,
  ctx: DecisionContext,
): Decision {
  const { to } = trigger;
  if (migrationRefusals(definition, to, state).length > 0) {
    return new DecisionBuilder(definition, cloneJson(state), ctx).finish();
  }
  const migrated = cloneJson(state);
  const kept = new Map(
    migrated.steps.filter((step) => step.status !== StepStatus.pending).map((step) => [step.name, step]),
  );
  migrated.version = to.version;
  migrated.steps = to.steps.map((step) => kept.get(step.name) ?? newStepState(step));
  const d = new DecisionBuilder(to, migrated, ctx);
  d.record(SagaEventType.sagaMigrated, null, {
    from: definition.version,
    to: to.version,
    reason: trigger.reason,
    actor: trigger.actor ?? null,
  });
  return d.finish();
}
