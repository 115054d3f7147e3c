import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import { checkInputSchema, createInputValidator } from '../../../src/definitions/input-validator';

const orderSchema: JsonObject = {
  type: 'object',
  required: ['orderId', 'amount'],
  properties: {
    orderId: { type: 'string' },
    amount: { type: 'number', exclusiveMinimum: 0 },
    email: { type: 'string', format: 'email' },
    items: {
      type: 'array',
      items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
    },
    'a/b': { type: 'integer' },
  },
  additionalProperties: false,
};

describe('createInputValidator', () => {
  const validate = createInputValidator(orderSchema);

  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    ['a valid input', { orderId: 'o-1', amount: 10, email: 'a@example.com' }, []],
    ['a bad amount', { orderId: 'o-1', amount: 0 }, [{ path: 'input.amount', message: 'must be > 0' }]],
    ['a missing orderId', { amount: 5 }, [{ path: 'input.orderId', message: 'is required' }]],
    [
      'every failing field',
      { amount: 'x', email: 'nope', extra: 1 },
      [
        { path: 'input.orderId', message: 'is required' },
        { path: 'input.extra', message: 'is not allowed' },
        { path: 'input.amount', message: 'must be number' },
        { path: 'input.email', message: 'must match format "email"' },
      ],
    ],
    [
      'nested fields',
      { orderId: 'o', amount: 1, items: [{ sku: 'a' }, {}], 'a/b': 1.5 },
      [
        { path: 'input.items.1.sku', message: 'is required' },
        { path: 'input.a/b', message: 'must be integer' },
      ],
    ],
    ['a non-object input', 'x', [{ path: 'input', message: 'must be object' }]],
  ])('reports %s', (_case, input, expected) => {
    expect(validate(input)).toEqual(expected);
  });

  it('accepts anything without a schema', () => {
    expect(createInputValidator(null)('anything')).toEqual([]);
  });

  it('refuses strings PostgreSQL cannot store (NUL, unpaired surrogates), with or without a schema', () => {
    const nul = 'contains a NUL character (\\u0000), which cannot be stored';
    const surrogate = 'contains an unpaired UTF-16 surrogate, which cannot be stored';
    expect(
      createInputValidator(null)({ note: 'a\u0000b', tags: ['ok \u{1F600}', '\ud800'], 'k\u0000': 1 }),
    ).toEqual([
      { path: 'input.note', message: nul },
      { path: 'input.tags.1', message: surrogate },
      { path: 'input', message: `a key ${nul}` },
    ]);
    expect(validate({ orderId: 'o\u0000', amount: 0 })).toEqual([
      { path: 'input.orderId', message: nul },
      { path: 'input.amount', message: 'must be > 0' },
    ]);
  });
});

describe('checkInputSchema', () => {
  it.each<[JsonObject, string | null]>([
    [orderSchema, null],
    [{ type: 'objekt' }, 'invalid JSON Schema: at type: must be equal to one of the allowed values'],
    [{ type: 'object', requried: ['a'] }, 'invalid JSON Schema: strict mode: unknown keyword: "requried"'],
    [{ type: 'string', format: 'emale' }, 'invalid JSON Schema: unknown format "emale"'],
  ])('%j → %p', (schema, expected) => {
    expect(checkInputSchema(schema)).toBe(expected);
  });
});
