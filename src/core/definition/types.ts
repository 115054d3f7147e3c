import type { JsonObject, JsonValue } from '../../contracts/json';

/** A retry policy with every default applied; durations in milliseconds. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
}

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
  /** Per attempt, for the action and for the compensation. */
  timeoutMs: number;
  retry: RetryPolicy;
  compensationRetry: RetryPolicy;
  payload: PayloadTemplate;
}

/** A validated, compiled saga definition: what the engine runs. */
export interface SagaDefinition {
  name: string;
  version: number;
  description: string | null;
  /** JSON Schema (draft 2020-12) for the start request's input; null when the file has none. */
  inputSchema: JsonObject | null;
  /** Whole-saga deadline; null = none. */
  timeoutMs: number | null;
  steps: StepDefinition[];
}

/** What every saga starts with; data the renderer reads expressions from. */
export interface ExpressionScope {
  input: JsonValue;
  steps: Record<string, { output: JsonObject | null }>;
  saga: { id: string; correlationId: string };
}
