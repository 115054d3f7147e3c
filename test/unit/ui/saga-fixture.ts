import type { Attempt, SagaDetail, StepView } from '../../../ui/src/api/types';

const T0 = Date.parse('2026-01-31T12:00:00.000Z');

/** A time `ms` after the saga started, as the API writes it. */
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export function attempt(
  kind: Attempt['kind'],
  number: number,
  from: number,
  to: number | null,
  outcome: Attempt['outcome'],
): Attempt {
  return {
    kind,
    attempt: number,
    messageId: `${kind}-${number}-${from}`,
    startedAt: at(from),
    finishedAt: to === null ? null : at(to),
    durationMs: to === null ? null : to - from,
    outcome,
    error: outcome === 'failure' ? { code: 'NO_CARRIER' } : null,
    output: outcome === 'success' ? {} : null,
  };
}

export function step(name: string, change: Partial<StepView> = {}): StepView {
  return {
    name,
    status: 'SUCCEEDED',
    attempts: 1,
    output: {},
    error: null,
    startedAt: null,
    finishedAt: null,
    compensation: null,
    history: [],
    ...change,
  };
}

/** The order saga as GET /api/sagas/{id} shows it, with the steps given. */
export function saga(change: Partial<SagaDetail> = {}): SagaDetail {
  return {
    id: '0b5c2d1e-0000-4000-8000-000000000001',
    name: 'order-fulfillment',
    version: 1,
    status: 'RUNNING',
    correlationId: 'c-1',
    failingStep: null,
    createdAt: at(0),
    updatedAt: at(0),
    rerunOf: null,
    reruns: [],
    input: { orderId: 'o-1', amount: 1 },
    deadlineAt: null,
    errors: [],
    suspension: null,
    steps: [],
    ...change,
  };
}
