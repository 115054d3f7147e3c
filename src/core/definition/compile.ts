import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import { InvariantError } from '../errors';
import { compileCondition } from './conditions';
import { type PayloadContext, compilePayload } from './expressions';
import {
  type RawLayout,
  type RawStep,
  checkNames,
  checkStepTypes,
  isGroupElement,
  rawLayout,
} from './layout';
import { DefinitionLimits } from './limits';
import {
  type GroupDocument,
  type StepDocument,
  groupSchema,
  payloadSchema,
  sagaDefinitionFileSchema,
  stepSchema,
} from './schema';
import type {
  Condition,
  LifecycleEvents,
  PayloadTemplate,
  SagaDefinition,
  Stage,
  StepDefinition,
} from './types';
import { type DefinitionProblem, describeIssue, problemsOf } from './zod-problems';

export { type DefinitionProblem, problemText } from './zod-problems';

export type CompileResult =
  { ok: true; definition: SagaDefinition } | { ok: false; problems: DefinitionProblem[] };

type Element = { kind: 'step'; step: StepDocument } | { kind: 'group'; group: GroupDocument['parallel'] };

/** Each element of `steps` parsed on its own, as a step or a group; null where it does not parse. */
function parseElements(document: unknown, problems: DefinitionProblem[]): Array<Element | null> {
  const steps =
    typeof document === 'object' && document !== null ? (document as { steps?: unknown }).steps : [];
  if (!Array.isArray(steps)) return [];
  return steps.map((element: unknown, index): Element | null => {
    if (isGroupElement(element)) {
      const parsed = groupSchema.safeParse(element, { error: describeIssue });
      if (parsed.success) return { kind: 'group', group: parsed.data.parallel };
      problems.push(...parsed.error.issues.flatMap((issue) => problemsOf(issue, ['steps', index])));
      return null;
    }
    const parsed = stepSchema.safeParse(element, { error: describeIssue });
    if (parsed.success) return { kind: 'step', step: parsed.data };
    problems.push(...parsed.error.issues.flatMap((issue) => problemsOf(issue, ['steps', index])));
    return null;
  });
}

interface CompiledExpressions {
  payload: PayloadTemplate | undefined;
  when: Condition | null | undefined;
}

/**
 * A step's payload and condition may read the input, the saga and the output of the steps in earlier stages — never
 * a later step, itself, or a sibling in its group.
 */
function compileExpressions(layout: RawLayout, problems: DefinitionProblem[]): CompiledExpressions[] {
  const allSteps = layout.steps.flatMap((step) => (step.name === undefined ? [] : [step.name]));
  return layout.steps.map((step) => {
    const context = contextOf(step, layout, allSteps);
    const payload = payloadSchema.safeParse(step.fields.payload ?? {});
    let template: PayloadTemplate | undefined;
    if (payload.success) {
      const compiled = compilePayload(payload.data, context);
      for (const problem of compiled.problems) problems.push(problemAt(`${step.at}.payload`, problem));
      template = compiled.template;
    }
    let when: Condition | null | undefined = null;
    if (step.fields.when !== undefined) {
      const compiled = compileCondition(step.fields.when, context);
      for (const problem of compiled.problems) problems.push(problemAt(`${step.at}.when`, problem));
      when = compiled.condition ?? undefined;
    }
    return { payload: template, when };
  });
}

function contextOf(step: RawStep, layout: RawLayout, allSteps: string[]): PayloadContext {
  const named = (steps: RawStep[]) => steps.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  const earlierSteps = named(layout.steps.filter((other) => other.stage < step.stage));
  const siblings =
    step.group === null
      ? undefined
      : {
          group: step.group.name ?? `#${step.stage}`,
          steps: named(layout.steps.filter((other) => other.stage === step.stage && other !== step)),
        };
  return {
    step: step.name ?? step.at,
    earlierSteps,
    allSteps,
    ...(siblings === undefined ? {} : { siblings }),
  };
}

function problemAt(
  at: string,
  problem: { path: Array<string | number>; message: string },
): DefinitionProblem {
  return { path: [at, ...problem.path].join('.'), message: problem.message };
}

/** Each problem once; those of the file first, then by step (`steps.2` before `steps.10`), each in found order. */
function unique(problems: DefinitionProblem[]): DefinitionProblem[] {
  const seen = new Set<string>();
  const once = problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const elementOf = (path: string) => Number(/^steps\.(\d+)(\.|$)/.exec(path)?.[1] ?? -1);
  return once
    .map((problem, order) => ({ problem, order, element: elementOf(problem.path) }))
    .sort((a, b) => a.element - b.element || a.order - b.order)
    .map(({ problem }) => problem);
}

function stepDefinition(step: StepDocument, stage: number, expressions: CompiledExpressions): StepDefinition {
  if (expressions.payload === undefined || expressions.when === undefined) {
    throw new InvariantError(`step ${step.name} has no compiled payload or condition`);
  }
  return {
    name: step.name,
    participant: step.participant,
    actionCommand: step.action,
    compensationCommand: step.compensation ?? null,
    type: step.type,
    when: expressions.when,
    onError: step.onError,
    timeoutMs: step.timeout,
    retry: step.retry,
    compensationRetry: step.compensationRetry,
    payload: expressions.payload,
    stage,
  };
}

function build(
  file: {
    name: string;
    version: number;
    description?: string;
    input?: JsonObject;
    timeout?: number;
    events: LifecycleEvents;
  },
  elements: Element[],
  expressions: CompiledExpressions[],
): SagaDefinition {
  const steps: StepDefinition[] = [];
  const stages: Stage[] = elements.map((element, stage): Stage => {
    if (element.kind === 'step') {
      steps.push(stepDefinition(element.step, stage, expressions[steps.length]!));
      return { kind: 'step', step: steps.length - 1 };
    }
    const members = element.group.steps.map((member) => {
      steps.push(stepDefinition(member, stage, expressions[steps.length]!));
      return steps.length - 1;
    });
    return { kind: 'group', name: element.group.name, compensation: element.group.compensation, members };
  });
  const pivot = steps.findIndex((step) => step.type === 'pivot');
  return {
    name: file.name,
    version: file.version,
    description: file.description ?? null,
    inputSchema: file.input ?? null,
    timeoutMs: file.timeout ?? null,
    steps,
    stages,
    pivot: pivot < 0 ? null : pivot,
    lifecycleEvents: file.events,
  };
}

/**
 * Validates a parsed definition file (YAML or JSON, as plain data) and compiles it into what the engine runs.
 * Reports every problem found, not just the first.
 */
export function compileDefinition(document: unknown): CompileResult {
  const parsed = sagaDefinitionFileSchema.safeParse(document, { error: describeIssue });
  const problems: DefinitionProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => problemsOf(issue));
  const layout = rawLayout(document);
  // Too many steps is one problem: the checks below compare steps with each other, which would cost the square.
  if (layout.steps.length > DefinitionLimits.maxSteps) {
    const tooMany = { path: 'steps', message: `must list at most ${DefinitionLimits.maxSteps} steps` };
    const counted = problems.some((p) => p.path === tooMany.path && p.message === tooMany.message);
    if (!counted) tooMany.message += ', group members included';
    return { ok: false, problems: unique([...problems, tooMany]) };
  }
  const elements = parseElements(document, problems);
  problems.push(...checkNames(layout), ...checkStepTypes(layout));
  const expressions = compileExpressions(layout, problems);
  const all = unique(problems);
  if (!parsed.success || all.length > 0 || elements.some((element) => element === null)) {
    return { ok: false, problems: all };
  }
  return { ok: true, definition: build(parsed.data, elements as Element[], expressions) };
}
