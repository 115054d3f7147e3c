import { type JsonValue, isRecord } from 'saga-orchestrator-sdk/contracts';
import { canonicalJson } from './fingerprint';
import {
  type PayloadContext,
  type PayloadProblem,
  compileStringTemplate,
  resolveReference,
} from './expressions';
import type { Comparison, Condition, ExpressionScope, Operand } from './types';

const COMPARISONS: readonly Comparison[] = [
  'equals',
  'notEquals',
  'lessThan',
  'lessOrEqual',
  'greaterThan',
  'greaterOrEqual',
];
const OPERATORS = [...COMPARISONS, 'in', 'exists', 'and', 'or', 'not'] as const;

type Compiled = { condition: Condition | null; problems: PayloadProblem[] };

function operand(
  value: unknown,
  path: Array<string | number>,
  context: PayloadContext,
  problems: PayloadProblem[],
) {
  if (typeof value !== 'string') return { kind: 'literal', value: value as JsonValue } satisfies Operand;
  const { template, errors } = compileStringTemplate(value, context);
  for (const message of errors) problems.push({ path, message });
  if (template.kind === 'literal') return { kind: 'literal', value: template.value } satisfies Operand;
  if (template.kind === 'reference')
    return { kind: 'reference', reference: template.reference } satisfies Operand;
  problems.push({
    path,
    message: 'an operand is a JSON value or a single ${...} expression, not text around one',
  });
  return { kind: 'literal', value: null } satisfies Operand;
}

function pair(
  value: unknown,
  path: Array<string | number>,
  problems: PayloadProblem[],
): [unknown, unknown] | null {
  if (Array.isArray(value) && value.length === 2) return [value[0], value[1]];
  problems.push({ path, message: 'expected a list of two operands' });
  return null;
}

/**
 * Compiles a `when` condition (data, never code): an object with exactly one operator. Every problem is
 * collected, each with its path inside the condition.
 */
export function compileCondition(
  value: unknown,
  context: PayloadContext,
  path: Array<string | number> = [],
): Compiled {
  const problems: PayloadProblem[] = [];
  const condition = compile(value, path, context, problems);
  return { condition: problems.length === 0 ? condition : null, problems };
}

function compile(
  value: unknown,
  path: Array<string | number>,
  context: PayloadContext,
  problems: PayloadProblem[],
): Condition | null {
  const keys = isRecord(value) ? Object.keys(value) : [];
  if (!isRecord(value) || keys.length !== 1) {
    problems.push({ path, message: `expected an object with one operator: ${OPERATORS.join(', ')}` });
    return null;
  }
  const [operator] = keys as [string];
  const argument = value[operator];
  const at = [...path, operator];
  if ((COMPARISONS as readonly string[]).includes(operator)) {
    const operands = pair(argument, at, problems);
    if (operands === null) return null;
    return {
      kind: 'compare',
      operator: operator as Comparison,
      left: operand(operands[0], [...at, 0], context, problems),
      right: operand(operands[1], [...at, 1], context, problems),
    };
  }
  switch (operator) {
    case 'in': {
      const operands = pair(argument, at, problems);
      if (operands === null) return null;
      return {
        kind: 'in',
        value: operand(operands[0], [...at, 0], context, problems),
        list: operand(operands[1], [...at, 1], context, problems),
      };
    }
    case 'exists':
      return { kind: 'exists', value: operand(argument, at, context, problems) };
    case 'and':
    case 'or': {
      if (!Array.isArray(argument) || argument.length === 0) {
        problems.push({ path: at, message: 'expected a list of at least one condition' });
        return null;
      }
      const conditions = argument.map((item, index) => compile(item, [...at, index], context, problems));
      return conditions.every((c) => c !== null)
        ? { kind: operator, conditions: conditions as Condition[] }
        : null;
    }
    case 'not': {
      const inner = compile(argument, at, context, problems);
      return inner === null ? null : { kind: 'not', condition: inner };
    }
    default:
      problems.push({
        path: at,
        message: `unknown operator "${operator}", expected one of ${OPERATORS.join(', ')}`,
      });
      return null;
  }
}

/** An absent value reads as null, as in a payload. */
function valueOf(operand: Operand, scope: ExpressionScope): JsonValue {
  if (operand.kind === 'literal') return operand.value;
  return resolveReference(operand.reference, scope) ?? null;
}

function sameJson(a: JsonValue, b: JsonValue): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Orders two numbers or two strings; anything else cannot be ordered and every comparison of it is false. */
function order(a: JsonValue, b: JsonValue): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function compare(operator: Comparison, a: JsonValue, b: JsonValue): boolean {
  if (operator === 'equals') return sameJson(a, b);
  if (operator === 'notEquals') return !sameJson(a, b);
  const sign = order(a, b);
  if (sign === null) return false;
  switch (operator) {
    case 'lessThan':
      return sign < 0;
    case 'lessOrEqual':
      return sign <= 0;
    case 'greaterThan':
      return sign > 0;
    case 'greaterOrEqual':
      return sign >= 0;
  }
}

/** Whether a condition holds for the saga's data. Pure. */
export function evaluateCondition(condition: Condition, scope: ExpressionScope): boolean {
  switch (condition.kind) {
    case 'compare':
      return compare(condition.operator, valueOf(condition.left, scope), valueOf(condition.right, scope));
    case 'in': {
      const list = valueOf(condition.list, scope);
      const value = valueOf(condition.value, scope);
      return Array.isArray(list) && list.some((item) => sameJson(item, value));
    }
    case 'exists':
      return valueOf(condition.value, scope) !== null;
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, scope));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, scope));
    case 'not':
      return !evaluateCondition(condition.condition, scope);
  }
}
