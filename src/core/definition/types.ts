import type { JsonObject, JsonValue } from 'saga-orchestrator-sdk/contracts';

export const Jitter = { none: 'none', full: 'full' } as const;
export type Jitter = (typeof Jitter)[keyof typeof Jitter];

/** A retry policy with every default applied; durations in milliseconds. */
export interface RetryPolicy {
  /** `Infinity` for `attempts: unlimited` (retriable steps only). */
  attempts: number;
  backoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
  /** `full`: each delay is drawn uniformly between 0 and the computed delay. */
  jitter: Jitter;
}

/** Garcia-Molina & Salem's kinds of step: undone by a compensation, the point of no return, or bound to succeed. */
export const StepType = { compensatable: 'compensatable', pivot: 'pivot', retriable: 'retriable' } as const;
export type StepType = (typeof StepType)[keyof typeof StepType];

export const OnErrorAction = { retry: 'retry', compensate: 'compensate', suspend: 'suspend' } as const;
export type OnErrorAction = (typeof OnErrorAction)[keyof typeof OnErrorAction];

/** The first rule whose codes hold a failure's `error.code` (`TIMEOUT` for a timed-out attempt) decides. */
export interface OnErrorRule {
  codes: string[];
  then: OnErrorAction;
}

/** An operand of a condition: a JSON value, or one `${...}` expression. */
export type Operand = { kind: 'literal'; value: JsonValue } | { kind: 'reference'; reference: Reference };

export type Comparison =
  'equals' | 'notEquals' | 'lessThan' | 'lessOrEqual' | 'greaterThan' | 'greaterOrEqual';

/** A compiled `when`: data, evaluated against the saga's input and outputs, never code. */
export type Condition =
  | { kind: 'compare'; operator: Comparison; left: Operand; right: Operand }
  | { kind: 'in'; value: Operand; list: Operand }
  | { kind: 'exists'; value: Operand }
  | { kind: 'and'; conditions: Condition[] }
  | { kind: 'or'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition };

/** Where a `${...}` expression reads from. `path` is the property path after the root (may be empty). */
export type Reference =
  | { source: 'input'; path: string[] }
  | { source: 'step'; step: string; path: string[] }
  | { source: 'saga'; field: 'id' | 'correlationId' };

/** A payload value compiled once at load time; rendering it needs no parsing. */
export type PayloadTemplate =
  | { kind: 'literal'; value: JsonValue }
  | { kind: 'reference'; reference: Reference }
  | { kind: 'interpolation'; parts: Array<string | Reference> }
  | { kind: 'object'; entries: Array<[string, PayloadTemplate]> }
  | { kind: 'array'; items: PayloadTemplate[] };

export interface StepDefinition {
  name: string;
  participant: string;
  /** The `type` of the command that performs the step (the file's `action`). */
  actionCommand: string;
  /** The `type` of the command that undoes it (the file's `compensation`); null when the step needs no undo. */
  compensationCommand: string | null;
  type: StepType;
  /** The step runs only when it holds; null: always. */
  when: Condition | null;
  onError: OnErrorRule[];
  /** Per attempt, for the action and for the compensation. */
  timeoutMs: number;
  retry: RetryPolicy;
  compensationRetry: RetryPolicy;
  payload: PayloadTemplate;
  /** Index of the stage it runs in (`SagaDefinition.stages`). */
  stage: number;
}

export const GroupCompensation = { parallel: 'parallel', reverse: 'reverse' } as const;
export type GroupCompensation = (typeof GroupCompensation)[keyof typeof GroupCompensation];

/**
 * What runs at once: one step, or a parallel group whose members start together. Stages run one after another;
 * compensation undoes them latest first.
 */
export type Stage =
  | { kind: 'step'; step: number }
  | { kind: 'group'; name: string; compensation: GroupCompensation; members: number[] };

/**
 * Which lifecycle events a saga publishes to `sagas.events` (docs/definitions.md): every one, only those that end
 * the saga or need a person (`SagaCompleted`, `SagaCompensated`, `SagaCompensationFailed`, `SagaSuspended`), or
 * none.
 */
export const LifecycleEvents = { all: 'all', terminal: 'terminal', none: 'none' } as const;
export type LifecycleEvents = (typeof LifecycleEvents)[keyof typeof LifecycleEvents];

/** A validated, compiled saga definition: what the engine runs. */
export interface SagaDefinition {
  name: string;
  version: number;
  description: string | null;
  /** JSON Schema (draft 2020-12) for the start request's input; null when the file has none. */
  inputSchema: JsonObject | null;
  /** Whole-saga deadline; null = none. */
  timeoutMs: number | null;
  /** Every step, group members included, in the order of the file. */
  steps: StepDefinition[];
  stages: Stage[];
  /** Index of the pivot step, or null. */
  pivot: number | null;
  /** The file's `events`: which lifecycle events its sagas publish. */
  lifecycleEvents: LifecycleEvents;
}

/** What every saga starts with; data the renderer reads expressions from. */
export interface ExpressionScope {
  input: JsonValue;
  steps: Record<string, { output: JsonObject | null }>;
  saga: { id: string; correlationId: string };
}
