import type { JsonObject, JsonValue } from 'saga-orchestrator-sdk/contracts';
import { compilePayload, renderPayload, type PayloadContext } from '../../../src/core/definition/expressions';
import type { ExpressionScope } from '../../../src/core/definition/types';

const context: PayloadContext = {
  step: 'charge-payment',
  earlierSteps: ['reserve-inventory'],
  allSteps: ['reserve-inventory', 'charge-payment', 'schedule-shipment'],
};

const scope: ExpressionScope = {
  input: {
    orderId: 'o-1',
    amount: 42.5,
    express: true,
    note: null,
    customer: { name: 'Ada', tags: ['vip', 'eu'] },
    items: [{ sku: 'a-1', qty: 2 }],
  },
  steps: {
    'reserve-inventory': { output: { reservationId: 'r-9', lines: [1, 2] } },
    'charge-payment': { output: null },
  },
  saga: { id: 'saga-1', correlationId: 'corr-7' },
};

function render(
  payload: JsonObject,
  at: PayloadContext = context,
  data: ExpressionScope = scope,
): JsonObject {
  const { template, problems } = compilePayload(payload, at);
  expect(problems).toEqual([]);
  return renderPayload(template, data);
}

describe('payload rendering', () => {
  it.each<[string, JsonValue]>([
    ['${input.orderId}', 'o-1'],
    ['${input.amount}', 42.5],
    ['${input.express}', true],
    ['${input.note}', null],
    ['${input.customer}', { name: 'Ada', tags: ['vip', 'eu'] }],
    ['${input.customer.tags}', ['vip', 'eu']],
    ['${input.customer.tags.1}', 'eu'],
    ['${input.items.0.sku}', 'a-1'],
    ['${input}', scope.input],
    ['${ input.orderId }', 'o-1'],
    ['${steps.reserve-inventory.output.reservationId}', 'r-9'],
    ['${steps.reserve-inventory.output}', { reservationId: 'r-9', lines: [1, 2] }],
    ['${saga.id}', 'saga-1'],
    ['${saga.correlationId}', 'corr-7'],
    ['${input.missing}', null],
    ['${input.orderId.length}', null],
    ['${input.items.9}', null],
    ['${input.items.first}', null],
    ['${input.customer.constructor}', null],
  ])('a whole value %s keeps its JSON type', (expression, expected) => {
    expect(render({ value: expression })).toEqual({ value: expected });
  });

  it.each<[string, string]>([
    ['order ${input.orderId}', 'order o-1'],
    ['${input.amount} EUR', '42.5 EUR'],
    ['express=${input.express}', 'express=true'],
    ['customer: ${input.customer}', 'customer: {"name":"Ada","tags":["vip","eu"]}'],
    ['tags ${input.customer.tags}', 'tags ["vip","eu"]'],
    ['[${input.missing}]', '[]'],
    ['[${input.note}]', '[]'],
    ['${saga.id}/${saga.correlationId}', 'saga-1/corr-7'],
    ['${input.orderId}${input.orderId}', 'o-1o-1'],
    ['$${input.orderId}', '${input.orderId}'],
    ['cost: $${input.amount} = ${input.amount}', 'cost: ${input.amount} = 42.5'],
    ['$${', '${'],
    ['$5 and } and $ {', '$5 and } and $ {'],
    ['', ''],
  ])('interpolates %p', (text, expected) => {
    expect(render({ value: text })).toEqual({ value: expected });
  });

  it('renders nested objects and arrays; keys are never interpreted', () => {
    const payload: JsonObject = {
      '${input.orderId}': 'key kept',
      order: {
        id: '${input.orderId}',
        lines: ['${input.items.0}', { qty: '${input.items.0.qty}' }, 7, false, null],
      },
      reservation: '${steps.reserve-inventory.output.reservationId}',
    };
    expect(render(payload)).toEqual({
      '${input.orderId}': 'key kept',
      order: { id: 'o-1', lines: [{ sku: 'a-1', qty: 2 }, { qty: 2 }, 7, false, null] },
      reservation: 'r-9',
    });
  });

  it('reads a step without output, or absent from the scope, as null', () => {
    const later: PayloadContext = {
      ...context,
      step: 'schedule-shipment',
      earlierSteps: context.allSteps.slice(0, 2),
    };
    const payload = { a: '${steps.charge-payment.output}', b: 'x${steps.charge-payment.output.id}x' };
    expect(render(payload, later)).toEqual({ a: null, b: 'xx' });
    expect(render(payload, later, { ...scope, steps: {} })).toEqual({ a: null, b: 'xx' });
  });

  it('is pure: renders copies and leaves the scope alone', () => {
    const { template } = compilePayload({ customer: '${input.customer}', fixed: { a: [1] } }, context);
    const first = renderPayload(template, scope);
    (first.customer as { name: string }).name = 'changed';
    (first.fixed as { a: number[] }).a.push(2);
    expect(renderPayload(template, scope)).toEqual({
      customer: { name: 'Ada', tags: ['vip', 'eu'] },
      fixed: { a: [1] },
    });
  });
});

describe('payload compilation', () => {
  it('compiles strings once into literals, references and interpolations', () => {
    const { template } = compilePayload(
      { a: 'plain', b: '${saga.id}', c: 'id ${input.x.0}', d: '$${x}' },
      context,
    );
    expect(template).toEqual({
      kind: 'object',
      entries: [
        ['a', { kind: 'literal', value: 'plain' }],
        ['b', { kind: 'reference', reference: { source: 'saga', field: 'id' } }],
        ['c', { kind: 'interpolation', parts: ['id ', { source: 'input', path: ['x', '0'] }] }],
        ['d', { kind: 'literal', value: '${x}' }],
      ],
    });
  });

  it.each<[JsonObject, Array<[Array<string | number>, string]>]>([
    [{ a: 'x ${input.orderId' }, [[['a'], 'unterminated "${" at character 3 (write $${ for a literal ${)']]],
    [{ a: '${}' }, [[['a'], '${}: empty expression']]],
    [{ a: '${ }' }, [[['a'], '${ }: empty expression']]],
    [{ a: '${input..x}' }, [[['a'], '${input..x}: empty path segment']]],
    [{ a: '${env.HOME}' }, [[['a'], '${env.HOME}: unknown root "env", expected input, steps or saga']]],
    [
      { a: '${steps.schedule-shipment.output.id}' },
      [
        [
          ['a'],
          '${steps.schedule-shipment.output.id}: step "schedule-shipment" does not run before "charge-payment"',
        ],
      ],
    ],
    [
      { a: '${steps.charge-payment.output}' },
      [[['a'], '${steps.charge-payment.output}: step "charge-payment" cannot read its own output']],
    ],
    [{ a: '${steps.refund.output}' }, [[['a'], '${steps.refund.output}: unknown step "refund"']]],
    [
      { a: '${steps.reserve-inventory.reservationId}' },
      [
        [
          ['a'],
          '${steps.reserve-inventory.reservationId}: a step reference reads its output, e.g. ${steps.<step>.output.<path>}',
        ],
      ],
    ],
    [
      { a: '${steps}' },
      [[['a'], '${steps}: a step reference reads its output, e.g. ${steps.<step>.output.<path>}']],
    ],
    [{ a: '${saga.name}' }, [[['a'], '${saga.name}: expected ${saga.id} or ${saga.correlationId}']]],
    [{ a: '${saga}' }, [[['a'], '${saga}: expected ${saga.id} or ${saga.correlationId}']]],
    [{ a: '${saga.id.x}' }, [[['a'], '${saga.id.x}: expected ${saga.id} or ${saga.correlationId}']]],
    [
      { output: 'x' },
      [[['output'], '"output" is reserved: a compensation receives the step\'s output under it']],
    ],
    [
      { a: [{ b: ['ok', '${nope}'] }], c: '${x} and ${saga.idd}' },
      [
        [['a', 0, 'b', 1], '${nope}: unknown root "nope", expected input, steps or saga'],
        [['c'], '${x}: unknown root "x", expected input, steps or saga'],
        [['c'], '${saga.idd}: expected ${saga.id} or ${saga.correlationId}'],
      ],
    ],
  ])('reports %j', (payload, expected) => {
    const { problems } = compilePayload(payload, context);
    expect(problems.map(({ path, message }) => [path, message])).toEqual(expected);
  });

  it('allows output below the top level', () => {
    expect(compilePayload({ result: { output: 1 } }, context).problems).toEqual([]);
  });
});
