import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import { evaluateCondition } from '../definition/conditions';
import { renderPayload } from '../definition/expressions';
import { SagaEventType } from '../events';
import { SagaStatus, StepStatus } from '../status';
import { compensateNext, finishSaga } from './backward';
import type { DecisionBuilder } from './decision-builder';

// The saga's way forward: stages one after another, the members of a group at once, a step whose condition does
// not hold skipped.

/** Starts the first stage from `stage` on that has a step to run; completes the saga when none is left. */
export function startStage(d: DecisionBuilder, stage: number, causationId: string): void {
  for (let current = stage; current < d.definition.stages.length; current++) {
    let started = false;
    for (const index of d.stageSteps(current)) {
      const { when } = d.stepDefinition(index);
      if (when === null || evaluateCondition(when, d.scope())) {
        startStep(d, index, causationId);
        started = true;
      } else {
        skipStep(d, index);
      }
    }
    if (started) return;
  }
  finishSaga(d, SagaStatus.completed, SagaEventType.sagaCompleted, {});
}

/** Renders the step's payload from the saga's data and sends its action. */
export function startStep(
  d: DecisionBuilder,
  index: number,
  causationId: string,
  payload?: JsonObject,
): void {
  const step = d.step(index);
  step.status = StepStatus.running;
  step.startedAt = d.nowIso;
  step.payload = payload ?? renderPayload(d.stepDefinition(index).payload, d.scope());
  d.sendCommand(index, 'action', 1, causationId);
}

function skipStep(d: DecisionBuilder, index: number): void {
  const step = d.step(index);
  step.status = StepStatus.skipped;
  step.finishedAt = d.nowIso;
  d.record(SagaEventType.stepSkipped, step.name, { reason: 'its condition does not hold' });
}

/**
 * A step's action succeeded. While the saga runs, the next stage starts once every member of this one is done;
 * while it compensates (a sibling failed), this was the last word on an attempt compensation waited for.
 */
export function actionSucceeded(d: DecisionBuilder, index: number, causationId: string): void {
  const step = d.step(index);
  if (step.status !== StepStatus.succeeded) {
    step.status = StepStatus.succeeded;
    d.markCompleted(step);
  }
  if (d.definition.pivot === index && d.state.deadlineAt !== null) {
    // Past the point of no return the saga can only go forward: its deadline no longer applies.
    d.cancel({ type: 'saga-deadline' });
  }
  if (d.state.status === SagaStatus.running) {
    const stage = d.stepDefinition(index).stage;
    const done = d.stageSteps(stage).every((member) => {
      const { status } = d.step(member);
      return status === StepStatus.succeeded || status === StepStatus.skipped;
    });
    if (done) startStage(d, stage + 1, causationId);
  } else if (d.state.status === SagaStatus.compensating) {
    compensateNext(d, causationId);
  }
}
