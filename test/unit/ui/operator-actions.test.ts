import type { SagaDetail } from '../../../ui/src/api/types';
import { actionRequest, offeredActions, readJsonField } from '../../../ui/src/operator-actions';
import { saga, step } from './saga-fixture';

const describeActions = (detail: SagaDetail, role: 'read' | 'admin' = 'admin') =>
  offeredActions(detail, role).map((action) =>
    'step' in action ? `${action.kind} ${action.step}` : action.kind,
  );

describe('the operator actions the page offers', () => {
  it.each([
    ['RUNNING', ['abort', 'complete-step charge-payment']],
    ['COMPLETED', ['rerun']],
    ['COMPENSATED', ['rerun']],
    ['COMPENSATING', []],
  ] as const)('offers, for a %s saga, %j', (status, expected) => {
    const detail = saga({
      status,
      steps: [step('reserve-inventory'), step('charge-payment', { status: 'RUNNING' })],
    });
    expect(describeActions(detail)).toEqual(expected);
  });

  it('offers a retry, a rerun and the completion of the failed compensation for COMPENSATION_FAILED', () => {
    const detail = saga({
      status: 'COMPENSATION_FAILED',
      steps: [
        step('reserve-inventory', {
          compensation: { status: 'FAILED', attempts: 1, error: null, startedAt: null, finishedAt: null },
        }),
        step('charge-payment', {
          compensation: { status: 'SUCCEEDED', attempts: 1, error: null, startedAt: null, finishedAt: null },
        }),
        step('schedule-shipment', { status: 'FAILED' }),
      ],
    });
    expect(describeActions(detail)).toEqual(['retry', 'rerun', 'complete-compensation reserve-inventory']);
  });

  it('offers a retry and the completion of the step a SUSPENDED saga waits on', () => {
    const detail = saga({
      status: 'SUSPENDED',
      suspension: { step: 'send-itinerary', reason: 'gave up', at: '2026-01-31T12:00:00Z' },
      steps: [step('charge-card'), step('send-itinerary', { status: 'FAILED' })],
    });
    expect(describeActions(detail)).toEqual(['retry', 'complete-step send-itinerary']);
  });

  it('offers nothing to a read key', () => {
    const detail = saga({
      status: 'COMPENSATION_FAILED',
      steps: [step('reserve-inventory', { status: 'RUNNING' })],
    });
    expect(describeActions(detail, 'read')).toEqual([]);
  });
});

describe('the request an action sends', () => {
  const id = saga().id;

  it.each([
    [{ kind: 'retry' } as const, undefined, `/api/sagas/${id}/retry`, { reason: 'why' }],
    [
      { kind: 'retry' } as const,
      { orderId: 'o-2' },
      `/api/sagas/${id}/retry`,
      { reason: 'why', payload: { orderId: 'o-2' } },
    ],
    [{ kind: 'abort' } as const, undefined, `/api/sagas/${id}/abort`, { reason: 'why' }],
    [
      { kind: 'rerun' } as const,
      { orderId: 'o-3' },
      `/api/sagas/${id}/rerun`,
      { reason: 'why', input: { orderId: 'o-3' } },
    ],
    [
      { kind: 'complete-step', step: 'charge payment' } as const,
      { paymentId: 'p-1' },
      `/api/sagas/${id}/steps/charge%20payment/complete`,
      { reason: 'why', output: { paymentId: 'p-1' } },
    ],
    [
      { kind: 'complete-compensation', step: 'reserve-inventory' } as const,
      undefined,
      `/api/sagas/${id}/steps/reserve-inventory/compensation/complete`,
      { reason: 'why' },
    ],
  ])('%j with %j → POST %s %j', (action, json, path, body) => {
    expect(actionRequest(id, action, { reason: '  why ', json })).toEqual({ path, body });
  });
});

describe('the JSON an operator types', () => {
  const output = { label: 'Output', initial: '{}', optional: false, object: true };
  const payload = { ...output, label: 'Payload', optional: true };
  const input = { label: 'Input', initial: '', optional: false, object: false };

  it.each([
    [output, '{"a":1}', { value: { a: 1 } }],
    [output, '', { problem: 'Output: required' }],
    [output, '[1]', { problem: 'Output: must be a JSON object' }],
    [output, '{a:1}', { problem: 'Output: not valid JSON' }],
    [payload, '  ', { value: undefined }],
    [input, '"o-1"', { value: 'o-1' }],
  ])('reads %j from %j as %j', (field, text, expected) => {
    expect(readJsonField(field, text)).toEqual(expected);
  });
});
