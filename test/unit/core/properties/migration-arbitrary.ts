import fc from 'fast-check';
import type { SagaDefinition } from '../../../../src/core/definition/types';
import type { SagaState } from '../../../../src/core/state';
import { StepStatus } from '../../../../src/core/status';
import { group } from '../definitions';
import {
  type ChosenType,
  type GeneratedSaga,
  type StageDraw,
  stageDrawArbitrary,
  stepDocument,
} from './definition-arbitrary';

type Document = Record<string, unknown>;

/** How a source stage not started yet fares in the target. */
type LaterFate = 'keep' | 'change' | 'drop';

/** What a migration's target does to the stages not started yet; drawn before the moment is known. */
export interface TargetDraw {
  /** The fate of the i-th stage not started yet (the last one repeats when there are more stages). */
  fates: LaterFate[];
  /** New stages, each inserted before the `at`-th remaining stage not started yet (modulo their number + 1). */
  added: Array<{ at: number; stage: StageDraw }>;
}

export const targetDrawArbitrary: fc.Arbitrary<TargetDraw> = fc.record({
  fates: fc.array(fc.constantFrom<LaterFate>('keep', 'change', 'drop'), { minLength: 1, maxLength: 4 }),
  added: fc.array(fc.record({ at: fc.nat({ max: 5 }), stage: stageDrawArbitrary }), { maxLength: 2 }),
});

/**
 * The target version of a generated saga at the moment `state`: the stages that started stay as the file has
 * them; each later one is kept, changed (timeout and payload) or dropped, and new stages are inserted among them.
 * A new step after the pivot is retriable, as the loader demands.
 */
export function targetOf(
  saga: GeneratedSaga,
  from: SagaDefinition,
  state: SagaState,
  draw: TargetDraw,
): GeneratedSaga {
  const started = from.steps.filter((_, index) => state.steps[index]!.status !== StepStatus.pending);
  const firstLater = Math.max(-1, ...started.map((step) => step.stage)) + 1;
  const prefix = saga.steps.slice(0, firstLater);
  const later = saga.steps.slice(firstLater).flatMap((document, index) => {
    const fate = draw.fates[Math.min(index, draw.fates.length - 1)]!;
    if (fate === 'drop') return [];
    return [fate === 'keep' ? document : changed(document)];
  });
  draw.added.forEach(({ at, stage }, k) => {
    const pivotBefore = [...prefix, ...later.slice(0, at % (later.length + 1))].some(isPivot);
    later.splice(at % (later.length + 1), 0, newStage(`m${k}`, stage, pivotBefore ? 'retriable' : null));
  });
  return { steps: [...prefix, ...later], fields: { ...saga.fields, version: 2 }, input: saga.input };
}

function newStage(name: string, stage: StageDraw, forced: ChosenType | null): Document {
  if (stage.kind === 'step') return stepDocument(name, stage.step, forced ?? stage.step.type);
  return group(
    `${name}g`,
    stage.members.map((member, position) =>
      stepDocument(`${name}-${position}`, member, forced ?? member.type),
    ),
    stage.compensation,
  );
}

function changed(document: Document): Document {
  const change = (step: Document): Document => ({
    ...step,
    timeout: 7_000,
    payload: { region: '${input.region}', changed: true },
  });
  const parallel = document.parallel as { steps: Document[] } | undefined;
  if (parallel === undefined) return change(document);
  return { parallel: { ...parallel, steps: parallel.steps.map(change) } };
}

function isPivot(document: Document): boolean {
  return document.type === 'pivot';
}
