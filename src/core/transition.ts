import { type JsonValue, cloneJson } from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from './context';
import { DecisionBuilder, newStepState } from './decision/decision-builder';
import { operatorMigrate } from './decision/migration';
import { operatorAbort, operatorRetry } from './decision/operator';
import { operatorCompleteCompensation, operatorCompleteStep } from './decision/operator-completion';
import { applyReply } from './decision/reply';
import { startStage } from './decision/forward';
import { applyTimer } from './decision/timer';
import type { SagaDefinition } from './definition/types';
import type { Decision } from './effects';
import { SagaEventType } from './events';
import type { SagaState, TraceContext } from './state';
import { SagaStatus } from './status';
import type { Trigger } from './triggers';

export interface StartParams {
  id: string;
  input: JsonValue;
  correlationId: string;
  /** The start request's X-Request-Id, else the saga id. */
  causationId: string;
  trace: TraceContext | null;
  /** An operator reruns a terminal saga: its id, why, and who (logged with the start). */
  rerun?: { of: string; reason: string | null; actor: string | null };
}

/** Creates a saga's initial state and sends its first step's command. */
export function startSaga(definition: SagaDefinition, params: StartParams, ctx: DecisionContext): Decision {
  const now = ctx.now.toISOString();
  const state: SagaState = {
    id: params.id,
    name: definition.name,
    version: definition.version,
    status: SagaStatus.running,
    input: params.input,
    correlationId: params.correlationId,
    createdAt: now,
    updatedAt: now,
    deadlineAt:
      definition.timeoutMs === null ? null : new Date(ctx.now.getTime() + definition.timeoutMs).toISOString(),
    trace: params.trace,
    compensationCause: null,
    steps: definition.steps.map(newStepState),
    errors: [],
    suspension: null,
  };
  if (params.rerun !== undefined) state.rerunOf = params.rerun.of;
  const builder = new DecisionBuilder(definition, state, ctx);
  builder.record(SagaEventType.sagaStarted, null, {
    input: params.input,
    correlationId: params.correlationId,
    version: definition.version,
    ...(params.rerun === undefined
      ? {}
      : { rerunOf: params.rerun.of, reason: params.rerun.reason, actor: params.rerun.actor }),
  });
  if (state.deadlineAt !== null) {
    builder.schedule({ type: 'saga-deadline' }, state.deadlineAt);
  }
  startStage(builder, 0, params.causationId);
  return builder.finish();
}

/** The engine's only decision function: (definition, state, trigger) → new state, effects and events. */
export function decide(
  definition: SagaDefinition,
  state: SagaState,
  trigger: Trigger,
  ctx: DecisionContext,
): Decision {
  // The migrated state is built for the target definition, which every later decision is made with.
  if (trigger.type === 'operator-migrate') return operatorMigrate(definition, state, trigger, ctx);
  const builder = new DecisionBuilder(definition, cloneJson(state), ctx);
  switch (trigger.type) {
    case 'reply':
      applyReply(builder, trigger.reply);
      break;
    case 'timer':
      applyTimer(builder, trigger.timer);
      break;
    case 'operator-retry':
      operatorRetry(builder, trigger);
      break;
    case 'operator-abort':
      operatorAbort(builder, trigger);
      break;
    case 'operator-complete-step':
      operatorCompleteStep(builder, trigger);
      break;
    case 'operator-complete-compensation':
      operatorCompleteCompensation(builder, trigger);
      break;
  }
  return builder.finish();
}

export { setAside } from './decision/set-aside';
