import fc from 'fast-check';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../../../../src/core/definition/types';
import { definitionOf, group, plainStep, step } from '../definitions';

/** The error codes participants answer with in scenarios; `onError` rules name some of them (and `TIMEOUT`). */
export const ERROR_CODES = ['BUSY', 'DECLINED', 'CARD_EXPIRED', 'LOCKED'] as const;

type Document = Record<string, unknown>;
export type ChosenType = 'compensatable' | 'retriable';

/** What is drawn for one step; its final type also depends on where the pivot is. */
export interface StepDraw {
  type: ChosenType;
  withCompensation: boolean;
  when: Document | null;
  onError: Array<{ codes: string[]; then: 'retry' | 'compensate' | 'suspend' }>;
  timeoutMs: number;
  attempts: number | 'unlimited';
  backoffMs: number;
  jitter: 'none' | 'full';
  compensationAttempts: number;
}

export type StageDraw =
  | { kind: 'step'; step: StepDraw }
  | { kind: 'group'; compensation: 'parallel' | 'reverse'; members: StepDraw[] };

/** A saga definition as its file writes it (group members included) and an input to start it with. */
export interface GeneratedSaga {
  steps: Document[];
  fields: Document;
  input: JsonObject;
}

const inputArbitrary: fc.Arbitrary<JsonObject> = fc.record({
  vip: fc.boolean(),
  region: fc.constantFrom('eu', 'us'),
  amount: fc.integer({ min: 0, max: 100 }),
});

const conditionArbitrary: fc.Arbitrary<Document> = fc.constantFrom<Document>(
  { equals: ['${input.vip}', true] },
  { not: { equals: ['${input.region}', 'eu'] } },
  { greaterThan: ['${input.amount}', 50] },
  { or: [{ equals: ['${input.vip}', false] }, { lessOrEqual: ['${input.amount}', 20] }] },
  { in: ['${input.region}', ['eu', 'us']] },
);

const onErrorRuleArbitrary = fc.record({
  codes: fc.subarray([...ERROR_CODES, 'TIMEOUT'], { minLength: 1, maxLength: 2 }),
  then: fc.constantFrom('retry' as const, 'compensate' as const, 'suspend' as const),
});

const stepDrawArbitrary: fc.Arbitrary<StepDraw> = fc.record({
  type: fc.constantFrom<ChosenType>('compensatable', 'compensatable', 'compensatable', 'retriable'),
  withCompensation: fc.constantFrom(true, true, true, false),
  when: fc.option(conditionArbitrary, { freq: 3 }),
  onError: fc.array(onErrorRuleArbitrary, { maxLength: 2 }),
  timeoutMs: fc.constantFrom(1_000, 2_000, 5_000),
  attempts: fc.constantFrom<number | 'unlimited'>(1, 2, 3, 'unlimited'),
  backoffMs: fc.constantFrom(100, 400),
  jitter: fc.constantFrom('none' as const, 'full' as const),
  compensationAttempts: fc.integer({ min: 1, max: 3 }),
});

export const stageDrawArbitrary: fc.Arbitrary<StageDraw> = fc.oneof(
  { arbitrary: stepDrawArbitrary.map((drawn) => ({ kind: 'step' as const, step: drawn })), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('group' as const),
      compensation: fc.constantFrom('parallel' as const, 'reverse' as const),
      members: fc.array(stepDrawArbitrary, { minLength: 2, maxLength: 3 }),
    }),
    weight: 1,
  },
);

export function stepDocument(name: string, drawn: StepDraw, type: ChosenType | 'pivot'): Document {
  const fields: Document = {
    type,
    timeout: drawn.timeoutMs,
    retry: {
      attempts: type === 'retriable' || drawn.attempts !== 'unlimited' ? drawn.attempts : 3,
      backoff: drawn.backoffMs,
      jitter: drawn.jitter,
    },
    payload: { region: '${input.region}' },
    // A retriable step never fails the saga: `compensate` is refused for it at load.
    onError: drawn.onError.map((rule) =>
      type === 'retriable' && rule.then === 'compensate' ? { ...rule, then: 'retry' } : rule,
    ),
  };
  if (drawn.when !== null && type !== 'pivot') fields.when = drawn.when;
  if (type === 'compensatable' && drawn.withCompensation) {
    return step(name, {
      ...fields,
      compensationRetry: { attempts: drawn.compensationAttempts, backoff: 100 },
    });
  }
  return plainStep(name, fields);
}

/**
 * Builds the file document for the drawn stages: the pivot (when drawn) is a plain stage, the steps after it are
 * retriable, the ones before it keep their drawn type (compensatable or retriable).
 */
function sagaDocument(stages: StageDraw[], pivotStage: number | null): Document[] {
  const typeAt = (stage: number, drawn: StepDraw): ChosenType | 'pivot' => {
    if (stage === pivotStage) return 'pivot';
    if (pivotStage !== null && stage > pivotStage) return 'retriable';
    return drawn.type;
  };
  return stages.map((stage, index) =>
    stage.kind === 'step'
      ? stepDocument(`s${index}`, stage.step, typeAt(index, stage.step))
      : group(
          `g${index}`,
          stage.members.map((member, position) =>
            stepDocument(`s${index}-${position}`, member, typeAt(index, member)),
          ),
          stage.compensation,
        ),
  );
}

/** Compiles a generated saga through the loader's own checks; the generator only draws valid ones. */
export function compileGenerated(saga: GeneratedSaga): SagaDefinition {
  return definitionOf(saga.steps, saga.fields);
}

/** A valid saga definition document (lines, groups, at most one pivot, conditions, onError) and an input. */
export const generatedSagaArbitrary: fc.Arbitrary<GeneratedSaga> = fc
  .record({
    stages: fc.array(stageDrawArbitrary, { minLength: 1, maxLength: 4 }),
    pivotPick: fc.option(fc.nat(), { freq: 2 }),
    sagaTimeoutMs: fc.option(fc.constantFrom(3_000, 8_000, 30_000), { freq: 2 }),
    input: inputArbitrary,
  })
  .map(({ stages, pivotPick, sagaTimeoutMs, input }) => {
    const plainStages = stages.flatMap((stage, index) => (stage.kind === 'step' ? [index] : []));
    const pivotStage =
      pivotPick === null || plainStages.length === 0 ? null : plainStages[pivotPick % plainStages.length]!;
    const fields: Document = sagaTimeoutMs === null ? {} : { timeout: sagaTimeoutMs };
    return { steps: sagaDocument(stages, pivotStage), fields, input };
  });
