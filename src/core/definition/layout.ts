import { isRecord } from 'saga-orchestrator-sdk/contracts';
import type { DefinitionProblem } from './zod-problems';

/**
 * The shape of a definition as the file writes it — which steps run in which stage, in which group — read from the
 * raw document, so the checks that need the whole shape (names, step types, what each expression may read) run even
 * where some field fails to parse.
 */
export interface RawStep {
  /** Where it is in the file: `steps.2` or `steps.2.parallel.steps.0`. */
  at: string;
  stage: number;
  group: { name: string | undefined; at: string } | null;
  name: string | undefined;
  fields: Record<string, unknown>;
}

export interface RawGroup {
  at: string;
  name: string | undefined;
  stage: number;
}

export interface RawLayout {
  steps: RawStep[];
  groups: RawGroup[];
}

/** Whether an element of `steps` is a parallel group. */
export function isGroupElement(element: unknown): element is { parallel: unknown } {
  return isRecord(element) && Object.hasOwn(element, 'parallel');
}

function nameOf(fields: Record<string, unknown>): string | undefined {
  return typeof fields.name === 'string' ? fields.name : undefined;
}

export function rawLayout(document: unknown): RawLayout {
  const layout: RawLayout = { steps: [], groups: [] };
  if (!isRecord(document) || !Array.isArray(document.steps)) return layout;
  document.steps.forEach((element: unknown, stage) => {
    const at = `steps.${stage}`;
    if (!isGroupElement(element)) {
      const fields = isRecord(element) ? element : {};
      layout.steps.push({ at, stage, group: null, name: nameOf(fields), fields });
      return;
    }
    const group = isRecord(element.parallel) ? element.parallel : {};
    const groupAt = `${at}.parallel`;
    layout.groups.push({ at: groupAt, name: nameOf(group), stage });
    const members = Array.isArray(group.steps) ? group.steps : [];
    members.forEach((member: unknown, index) => {
      const fields = isRecord(member) ? member : {};
      layout.steps.push({
        at: `${groupAt}.steps.${index}`,
        stage,
        group: { name: nameOf(group), at: groupAt },
        name: nameOf(fields),
        fields,
      });
    });
  });
  return layout;
}

/** Step and group names are unique among all of them: commands, events and expressions name them. */
export function checkNames(layout: RawLayout): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  const named = [
    ...layout.steps.map((step) => ({ at: step.at, name: step.name, stage: step.stage, group: false })),
    ...layout.groups.map((group) => ({ at: group.at, name: group.name, stage: group.stage, group: true })),
  ].sort((a, b) => a.stage - b.stage || Number(b.group) - Number(a.group));
  for (const { at, name } of named) {
    if (name === undefined) continue;
    if (seen.has(name))
      problems.push({ path: `${at}.name`, message: `duplicate step or group name "${name}"` });
    seen.add(name);
  }
  return problems;
}

function typeOf(step: RawStep): string {
  return typeof step.fields.type === 'string' ? step.fields.type : 'compensatable';
}

function attemptsOf(policy: unknown): unknown {
  return isRecord(policy) ? policy.attempts : undefined;
}

/**
 * The static checks of step types (docs/definitions.md): at most one pivot, never in a group; no compensation on a
 * pivot or a retriable step; compensatable (or retriable) steps before the pivot, retriable ones after it;
 * `attempts: unlimited` on retriable steps only; no `onError: compensate` on a step that can never fail the saga.
 */
export function checkStepTypes(layout: RawLayout): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const pivots = layout.steps.filter((step) => typeOf(step) === 'pivot');
  for (const extra of pivots.slice(1)) {
    problems.push({
      path: `${extra.at}.type`,
      message: `a saga has at most one pivot; "${pivots[0]!.name}" is one`,
    });
  }
  const pivot = pivots[0];
  for (const step of layout.steps) {
    const type = typeOf(step);
    const undone =
      type === 'pivot' ? 'the pivot is the point of no return' : 'a retriable step never fails the saga';
    if (type === 'pivot' && step.group !== null) {
      problems.push({ path: `${step.at}.type`, message: 'a pivot may not be in a parallel group' });
    }
    if (type === 'pivot' && step.fields.when !== undefined) {
      problems.push({
        path: `${step.at}.when`,
        message: 'a pivot always runs: whether the saga can go back may not depend on a condition',
      });
    }
    if (type !== 'compensatable') {
      if (step.fields.compensation !== undefined) {
        problems.push({
          path: `${step.at}.compensation`,
          message: `a ${type} step has no compensation: ${undone}`,
        });
      }
      if (step.fields.compensationRetry !== undefined) {
        problems.push({
          path: `${step.at}.compensationRetry`,
          message: `a ${type} step has no compensation`,
        });
      }
    } else if (step.fields.compensationRetry !== undefined && step.fields.compensation === undefined) {
      problems.push({
        path: `${step.at}.compensationRetry`,
        message: 'has no effect: the step has no compensation',
      });
    }
    if (attemptsOf(step.fields.retry) === 'unlimited' && type !== 'retriable') {
      problems.push({
        path: `${step.at}.retry.attempts`,
        message: '"unlimited" is for retriable steps only',
      });
    }
    if (attemptsOf(step.fields.compensationRetry) === 'unlimited') {
      problems.push({
        path: `${step.at}.compensationRetry.attempts`,
        message: 'a compensation that never gives up would hide its failure: give it a number of attempts',
      });
    }
    if (type === 'retriable' && Array.isArray(step.fields.onError)) {
      step.fields.onError.forEach((rule: unknown, index) => {
        if (isRecord(rule) && rule.then === 'compensate') {
          problems.push({
            path: `${step.at}.onError.${index}.then`,
            message: 'a retriable step never fails the saga: use retry or suspend',
          });
        }
      });
    }
    if (pivot !== undefined && type !== 'retriable' && type !== 'pivot' && step.stage > pivot.stage) {
      problems.push({
        path: `${step.at}.type`,
        message: `every step after the pivot "${pivot.name}" must be retriable: the saga can only go forward there`,
      });
    }
  }
  return problems;
}
