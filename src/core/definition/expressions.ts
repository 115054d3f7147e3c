import type { JsonObject, JsonValue } from 'saga-orchestrator-sdk/contracts';
import type { ExpressionScope, PayloadTemplate, Reference } from './types';

export interface PayloadProblem {
  /** Where in the payload, e.g. `['items', 0, 'sku']`. */
  path: Array<string | number>;
  message: string;
}

/** What a step's expressions (in its payload and its condition) may refer to. */
export interface PayloadContext {
  /** The step whose payload this is. */
  step: string;
  /** Steps that run strictly before it: in earlier stages, in every branch. */
  earlierSteps: readonly string[];
  /** Every step of the saga, to tell an unknown step from one that runs later. */
  allSteps: readonly string[];
  /** The other members of its parallel group, and the group's name: they run at the same time. */
  siblings?: { group: string; steps: readonly string[] };
}

/** `output` is added to a compensation's payload (docs/definitions.md), so a payload may not define it. */
export const RESERVED_PAYLOAD_KEY = 'output';

const OPEN = '${';
const ESCAPED_OPEN = '$${';

type ParsedReference = { ok: true; reference: Reference } | { ok: false; message: string };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseStepReference(segments: string[], text: string, context: PayloadContext): ParsedReference {
  const [, step, output] = segments;
  if (step === undefined || output !== 'output') {
    return {
      ok: false,
      message: `${text}: a step reference reads its output, e.g. \${steps.<step>.output.<path>}`,
    };
  }
  if (!context.earlierSteps.includes(step)) {
    let reason = `unknown step "${step}"`;
    if (step === context.step) reason = `step "${step}" cannot read its own output`;
    else if (context.siblings?.steps.includes(step)) {
      reason = `step "${step}" runs beside "${context.step}" in group "${context.siblings.group}": a member may not read a sibling`;
    } else if (context.allSteps.includes(step))
      reason = `step "${step}" does not run before "${context.step}"`;
    return { ok: false, message: `${text}: ${reason}` };
  }
  return { ok: true, reference: { source: 'step', step, path: segments.slice(3) } };
}

function parseSagaReference(segments: string[], text: string): ParsedReference {
  const [, field] = segments;
  if (segments.length === 2 && (field === 'id' || field === 'correlationId')) {
    return { ok: true, reference: { source: 'saga', field } };
  }
  return { ok: false, message: `${text}: expected \${saga.id} or \${saga.correlationId}` };
}

/** Parses the text between `${` and `}`. */
function parseReference(expression: string, context: PayloadContext): ParsedReference {
  const text = `\${${expression}}`;
  const trimmed = expression.trim();
  if (trimmed === '') return { ok: false, message: `${text}: empty expression` };
  const segments = trimmed.split('.');
  if (segments.includes('')) return { ok: false, message: `${text}: empty path segment` };
  switch (segments[0]) {
    case 'input':
      return { ok: true, reference: { source: 'input', path: segments.slice(1) } };
    case 'steps':
      return parseStepReference(segments, text, context);
    case 'saga':
      return parseSagaReference(segments, text);
    default:
      return { ok: false, message: `${text}: unknown root "${segments[0]}", expected input, steps or saga` };
  }
}

/** Splits a string into literal text and references; `$${` is a literal `${`. */
export function compileStringTemplate(
  value: string,
  context: PayloadContext,
): { template: PayloadTemplate; errors: string[] } {
  const parts: Array<string | Reference> = [];
  const errors: string[] = [];
  let text = '';
  let index = 0;
  while (index < value.length) {
    if (value.startsWith(ESCAPED_OPEN, index)) {
      text += OPEN;
      index += ESCAPED_OPEN.length;
    } else if (value.startsWith(OPEN, index)) {
      const end = value.indexOf('}', index + OPEN.length);
      if (end < 0) {
        errors.push(`unterminated "\${" at character ${index + 1} (write $\${ for a literal \${)`);
        break;
      }
      const parsed = parseReference(value.slice(index + OPEN.length, end), context);
      if (parsed.ok) {
        if (text !== '') parts.push(text);
        text = '';
        parts.push(parsed.reference);
      } else {
        errors.push(parsed.message);
      }
      index = end + 1;
    } else {
      text += value[index];
      index += 1;
    }
  }
  if (text !== '') parts.push(text);
  const [first] = parts;
  if (parts.length === 0) return { template: { kind: 'literal', value: '' }, errors };
  if (parts.length === 1 && typeof first === 'string')
    return { template: { kind: 'literal', value: first }, errors };
  if (parts.length === 1 && first !== undefined && typeof first !== 'string') {
    return { template: { kind: 'reference', reference: first }, errors };
  }
  return { template: { kind: 'interpolation', parts }, errors };
}

function compileValue(
  value: JsonValue,
  path: Array<string | number>,
  context: PayloadContext,
  problems: PayloadProblem[],
): PayloadTemplate {
  if (typeof value === 'string') {
    const { template, errors } = compileStringTemplate(value, context);
    for (const message of errors) problems.push({ path, message });
    return template;
  }
  if (Array.isArray(value)) {
    return {
      kind: 'array',
      items: value.map((item, index) => compileValue(item, [...path, index], context, problems)),
    };
  }
  if (isJsonObject(value)) {
    return {
      kind: 'object',
      entries: Object.entries(value).map(([key, item]) => [
        key,
        compileValue(item, [...path, key], context, problems),
      ]),
    };
  }
  return { kind: 'literal', value };
}

/**
 * Compiles a step's payload once, at load time: string values (at any depth) become literals, references
 * or interpolations; object keys are never interpreted. Every problem is collected.
 */
export function compilePayload(
  payload: JsonObject,
  context: PayloadContext,
): { template: PayloadTemplate; problems: PayloadProblem[] } {
  const problems: PayloadProblem[] = [];
  if (Object.hasOwn(payload, RESERVED_PAYLOAD_KEY)) {
    problems.push({
      path: [RESERVED_PAYLOAD_KEY],
      message: `"${RESERVED_PAYLOAD_KEY}" is reserved: a compensation receives the step's output under it`,
    });
  }
  const template = compileValue(payload, [], context, problems);
  return { template, problems };
}

function lookup(root: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current)) {
      current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** The referenced value; `undefined` when absent. */
export function resolveReference(reference: Reference, scope: ExpressionScope): JsonValue | undefined {
  switch (reference.source) {
    case 'input':
      return lookup(scope.input, reference.path);
    case 'step':
      return lookup(scope.steps[reference.step]?.output ?? undefined, reference.path);
    case 'saga':
      return scope.saga[reference.field];
  }
}

function copy(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(copy);
  if (isJsonObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
  return value;
}

function asText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders any template; an absent whole value is `null`, inside a string `""`. */
export function renderTemplate(template: PayloadTemplate, scope: ExpressionScope): JsonValue {
  switch (template.kind) {
    case 'literal':
      return copy(template.value);
    case 'reference': {
      const value = resolveReference(template.reference, scope);
      return value === undefined ? null : copy(value);
    }
    case 'interpolation':
      return template.parts
        .map((part) => (typeof part === 'string' ? part : asText(resolveReference(part, scope))))
        .join('');
    case 'object':
      return Object.fromEntries(template.entries.map(([key, item]) => [key, renderTemplate(item, scope)]));
    case 'array':
      return template.items.map((item) => renderTemplate(item, scope));
  }
}

/** Renders a compiled payload (see compilePayload) into what the participant receives. Pure. */
export function renderPayload(template: PayloadTemplate, scope: ExpressionScope): JsonObject {
  const value = renderTemplate(template, scope);
  if (!isJsonObject(value))
    throw new TypeError(`a payload template must render an object, got ${template.kind}`);
  return value;
}
