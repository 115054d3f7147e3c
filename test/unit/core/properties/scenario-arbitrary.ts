import fc from 'fast-check';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import { ERROR_CODES } from './definition-arbitrary';

/** A participant's final answer. */
export type Answer = { outcome: 'success' } | { outcome: 'failure'; code: string; retryable: boolean };

/**
 * One thing that happens to a running saga. Which command, reply or timer it concerns is only known while the
 * scenario runs, so `pick` chooses among the candidates at that moment (modulo their number); an action with no
 * candidate does nothing.
 */
export type ScenarioAction =
  /** A participant answers a command still awaiting an answer. */
  | { kind: 'answer-outstanding'; pick: number; answer: Answer }
  /** Another reply (a new message id) to any command sent so far: late, or a second answer. */
  | { kind: 'answer-any'; pick: number; answer: Answer }
  /** A reply delivered again, message id and all. */
  | { kind: 'redeliver-reply'; pick: number }
  /** An `in_progress` report for a command awaiting an answer. */
  | { kind: 'report-progress'; pick: number }
  /** A scheduled timer fires (the clock moves to its instant when that is later). */
  | { kind: 'fire-timer'; pick: number }
  /** A timer that fired already is delivered again. */
  | { kind: 'refire-timer'; pick: number }
  | { kind: 'operator-retry'; payload: JsonObject | undefined }
  | { kind: 'operator-abort' }
  /** An operator takes a step (any, by `pick`) as done by hand: its action, or its compensation. */
  | { kind: 'operator-complete-step'; pick: number }
  | { kind: 'operator-complete-compensation'; pick: number };

const answerArbitrary: fc.Arbitrary<Answer> = fc.oneof(
  { arbitrary: fc.constant({ outcome: 'success' as const }), weight: 3 },
  {
    arbitrary: fc.record({
      outcome: fc.constant('failure' as const),
      code: fc.constantFrom(...ERROR_CODES),
      retryable: fc.boolean(),
    }),
    weight: 2,
  },
);

const pick = fc.nat({ max: 20 });

const actionArbitrary: fc.Arbitrary<ScenarioAction> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('answer-outstanding' as const), pick, answer: answerArbitrary }),
    weight: 10,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('answer-any' as const), pick, answer: answerArbitrary }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('redeliver-reply' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('report-progress' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fire-timer' as const), pick }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('refire-timer' as const), pick }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('operator-retry' as const),
      payload: fc.option(fc.constant({ region: 'override' }), { nil: undefined }),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'operator-abort' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('operator-complete-step' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('operator-complete-compensation' as const), pick }), weight: 1 },
);

export const scenarioArbitrary: fc.Arbitrary<ScenarioAction[]> = fc.array(actionArbitrary, { maxLength: 30 });
