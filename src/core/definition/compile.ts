import type { z } from 'zod';
import type { JsonObject } from '../../contracts/json';
import { compilePayload } from './expressions';
import { DefinitionLimits } from './limits';
import { payloadSchema, sagaDefinitionFileSchema, type SagaDefinitionFile } from './schema';
import type { PayloadTemplate, SagaDefinition } from './types';
import { InvariantError } from '../errors';

/** One thing wrong with a definition; `path` is dotted with numeric indices (`steps.1.retry.attempts`), `''` for none. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

export type CompileResult =
  { ok: true; definition: SagaDefinition } | { ok: false; problems: DefinitionProblem[] };

type Issue = z.core.$ZodIssue;

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return TYPE_NOUNS[typeof value] ?? typeof value;
}

const describeIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_union') return 'not a JSON value (numbers must be finite)';
  return undefined;
};

function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A JSON value nested in a union fails at the union's path; point at the deepest failing value instead. */
function deepestUnionPath(issue: Issue): PropertyKey[] {
  if (issue.code !== 'invalid_union') return issue.path;
  let deepest: PropertyKey[] = [];
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = inner.code === 'invalid_union' ? deepestUnionPath(inner) : inner.path;
      if (candidate.length > deepest.length) deepest = candidate;
    }
  }
  return [...issue.path, ...deepest];
}

function toProblems(issue: Issue): DefinitionProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'unknown field' }));
  }
  return [{ path: joinPath(deepestUnionPath(issue)), message: issue.message }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parts of a step the semantic checks need, read from the raw document so they run even when parsing fails. */
interface RawStep {
  name: string | undefined;
  payload: JsonObject | undefined;
  hasCompensation: boolean;
  hasCompensationRetry: boolean;
}

function rawSteps(document: unknown): RawStep[] {
  if (!isRecord(document) || !Array.isArray(document.steps)) return [];
  // Too many steps is one problem, reported by the schema; checking each step would cost the square of their count.
  if (document.steps.length > DefinitionLimits.maxSteps) return [];
  return document.steps.map((step: unknown) => {
    const fields = isRecord(step) ? step : {};
    const payload = payloadSchema.safeParse(fields.payload ?? {});
    return {
      name: typeof fields.name === 'string' ? fields.name : undefined,
      payload: payload.success ? payload.data : undefined,
      hasCompensation: fields.compensation !== undefined,
      hasCompensationRetry: fields.compensationRetry !== undefined,
    };
  });
}

/** Duplicate names, expressions, the reserved `output` key, a compensationRetry without compensation. */
function checkSteps(steps: RawStep[]): {
  problems: DefinitionProblem[];
  payloads: Array<PayloadTemplate | undefined>;
} {
  const problems: DefinitionProblem[] = [];
  const names = steps.flatMap((step) => (step.name === undefined ? [] : [step.name]));
  const seen = new Set<string>();
  const payloads = steps.map((step, index) => {
    const at = `steps.${index}`;
    if (step.name !== undefined) {
      if (seen.has(step.name))
        problems.push({ path: `${at}.name`, message: `duplicate step name "${step.name}"` });
      seen.add(step.name);
    }
    if (step.hasCompensationRetry && !step.hasCompensation) {
      problems.push({
        path: `${at}.compensationRetry`,
        message: 'has no effect: the step has no compensation',
      });
    }
    if (step.payload === undefined) return undefined;
    const earlierSteps = steps
      .slice(0, index)
      .flatMap((earlier) => (earlier.name === undefined ? [] : [earlier.name]));
    const context = { step: step.name ?? `#${index}`, earlierSteps, allSteps: names };
    const compiled = compilePayload(step.payload, context);
    for (const problem of compiled.problems) {
      problems.push({ path: joinPath([at, 'payload', ...problem.path]), message: problem.message });
    }
    return compiled.template;
  });
  return { problems, payloads };
}

function build(file: SagaDefinitionFile, payloads: Array<PayloadTemplate | undefined>): SagaDefinition {
  return {
    name: file.name,
    version: file.version,
    description: file.description ?? null,
    inputSchema: file.input ?? null,
    timeoutMs: file.timeout ?? null,
    steps: file.steps.map((step, index) => {
      const payload = payloads[index];
      if (payload === undefined) throw new InvariantError(`step ${index} has no compiled payload`);
      return {
        name: step.name,
        participant: step.participant,
        actionCommand: step.action,
        compensationCommand: step.compensation ?? null,
        timeoutMs: step.timeout,
        retry: step.retry,
        compensationRetry: step.compensationRetry,
        payload,
      };
    }),
  };
}

function unique(problems: DefinitionProblem[]): DefinitionProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates a parsed definition file (YAML or JSON, as plain data) and compiles it into what the engine runs.
 * Reports every problem found, not just the first.
 */
export function compileDefinition(document: unknown): CompileResult {
  const parsed = sagaDefinitionFileSchema.safeParse(document, { error: describeIssue });
  const semantic = checkSteps(rawSteps(document));
  const problems = unique([
    ...(parsed.success ? [] : parsed.error.issues.flatMap(toProblems)),
    ...semantic.problems,
  ]);
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, definition: build(parsed.data, semantic.payloads) };
}
