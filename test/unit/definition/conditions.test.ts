import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import { compileCondition, evaluateCondition } from '../../../src/core/definition/conditions';
import type { ExpressionScope } from '../../../src/core/definition/types';

const scope: ExpressionScope = {
  input: { amount: 120, country: 'FR', vip: true, tags: ['gift', 'rush'], note: null },
  steps: { quote: { output: { price: 99.5, currency: 'EUR' } }, skipped: { output: null } },
  saga: { id: 'saga-1', correlationId: 'corr-1' },
};

function holds(when: JsonValue): boolean {
  const compiled = compileCondition(when, {
    step: 'checked',
    earlierSteps: ['quote', 'skipped'],
    allSteps: ['quote', 'skipped', 'checked'],
  });
  if (compiled.condition === null) throw new Error(JSON.stringify(compiled.problems));
  return evaluateCondition(compiled.condition, scope);
}

describe('when conditions: data evaluated against the input and earlier outputs', () => {
  it.each<[string, JsonValue, boolean]>([
    ['equals a number', { equals: ['${input.amount}', 120] }, true],
    ['equals compares JSON values, not text', { equals: ['${input.amount}', '120'] }, false],
    [
      'equals on objects ignores key order',
      { equals: ['${steps.quote.output}', { currency: 'EUR', price: 99.5 }] },
      true,
    ],
    ['notEquals', { notEquals: ['${input.country}', 'DE'] }, true],
    ['lessThan numbers', { lessThan: ['${steps.quote.output.price}', 100] }, true],
    ['lessOrEqual at the bound', { lessOrEqual: ['${input.amount}', 120] }, true],
    ['greaterThan strings in code point order', { greaterThan: ['${input.country}', 'DE'] }, true],
    ['greaterOrEqual', { greaterOrEqual: ['${input.amount}', 121] }, false],
    ['a number and a string cannot be ordered: false', { lessThan: ['${input.amount}', 'z'] }, false],
    ['an absent value cannot be ordered: false', { greaterThan: ['${input.missing}', 0] }, false],
    ['in a literal list', { in: ['${input.country}', ['FR', 'BE']] }, true],
    ['in a list read from the input', { in: ['rush', '${input.tags}'] }, true],
    ['in something that is not a list: false', { in: ['FR', '${input.country}'] }, false],
    ['exists: a present value', { exists: '${steps.quote.output.currency}' }, true],
    ['exists: null counts as absent', { exists: '${input.note}' }, false],
    ['exists: a skipped step reads as null', { exists: '${steps.skipped.output}' }, false],
    ['an absent value equals null', { equals: ['${input.missing}', null] }, true],
    ['and', { and: [{ equals: ['${input.vip}', true] }, { lessThan: ['${input.amount}', 100] }] }, false],
    ['or', { or: [{ equals: ['${input.vip}', true] }, { lessThan: ['${input.amount}', 100] }] }, true],
    ['not', { not: { exists: '${input.missing}' } }, true],
    ['saga fields', { equals: ['${saga.correlationId}', 'corr-1'] }, true],
  ])('%s', (_title, when, expected) => {
    expect(holds(when)).toBe(expected);
  });
});
