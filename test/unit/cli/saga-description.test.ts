import type { LogEntry, SagaDetail } from '../../../src/cli/saga/api-schemas';
import { describeSaga } from '../../../src/cli/saga/saga-description';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

/** A saga that failed at its shipment, was retried by hand, and ended compensated. */
const saga: SagaDetail = {
  id: ID,
  name: 'order-fulfillment',
  version: 2,
  status: 'COMPENSATED',
  correlationId: 'order-1',
  failingStep: 'schedule-shipment',
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:03.000Z',
  rerunOf: null,
  reruns: [],
  input: { orderId: 'o-1' },
  deadlineAt: null,
  errors: [],
  suspension: null,
  steps: [
    {
      name: 'reserve-inventory',
      status: 'SUCCEEDED',
      attempts: 1,
      compensation: { status: 'SUCCEEDED', attempts: 2 },
      history: [
        attempt('action', 1, '10:00:00.000', 40, 'success'),
        attempt('compensation', 1, '10:00:01.000', 1000, 'failure', { code: 'LOCKED', message: 'try later' }),
        attempt('compensation', 2, '10:00:02.500', 20, 'success'),
      ],
    },
    { name: 'gift-wrap', status: 'SKIPPED', attempts: 0, compensation: null, history: [] },
    {
      name: 'schedule-shipment',
      status: 'FAILED',
      attempts: 1,
      compensation: null,
      history: [attempt('action', 1, '10:00:00.100', 30, 'failure', { code: 'NO_CARRIER', message: 'none' })],
    },
  ],
};

const log: LogEntry[] = [
  entry(1, 'SagaStarted', '10:00:00.000', undefined, {}),
  entry(2, 'StepSkipped', '10:00:00.050', 'gift-wrap', { reason: 'its condition does not hold' }),
  entry(3, 'SagaRetried', '10:00:02.400', 'reserve-inventory', { reason: 'unlocked', actor: '1a2b3c4d' }),
  entry(4, 'SagaAborted', '10:00:02.450', undefined, { reason: 'test', actor: null }),
];

function attempt(
  kind: 'action' | 'compensation',
  number: number,
  time: string,
  durationMs: number,
  outcome: string,
  error: SagaDetail['steps'][number]['history'][number]['error'] = null,
) {
  const startedAt = `2026-01-01T${time}Z`;
  return {
    kind,
    attempt: number,
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + durationMs).toISOString(),
    durationMs,
    outcome,
    error,
  };
}

function entry(seq: number, type: string, time: string, step: string | undefined, data: LogEntry['data']) {
  return { seq, type, at: `2026-01-01T${time}Z`, ...(step === undefined ? {} : { step }), data };
}

describe('saga describe', () => {
  it('prints the header, the steps, the timeline by start time, and the operator actions with reason and actor', () => {
    expect(describeSaga(saga, log)).toEqual([
      `saga:            ${ID}`,
      'name:            order-fulfillment v2',
      'status:          COMPENSATED',
      'correlation id:  order-1',
      'created:         2026-01-01T10:00:00.000Z',
      'updated:         2026-01-01T10:00:03.000Z',
      'failing step:    schedule-shipment',
      'input:           {"orderId":"o-1"}',
      '',
      'steps:',
      'STEP               STATUS     ATTEMPTS  COMPENSATION  COMP. ATTEMPTS',
      'reserve-inventory  SUCCEEDED         1  SUCCEEDED                  2',
      'gift-wrap          SKIPPED           0',
      'schedule-shipment  FAILED            1',
      '',
      'timeline:',
      'START                     STEP               WHAT             DURATION  OUTCOME  ERROR',
      '2026-01-01T10:00:00.000Z  reserve-inventory  action #1            40ms  success',
      '2026-01-01T10:00:00.050Z  gift-wrap          skipped                    skipped  its condition does not hold',
      '2026-01-01T10:00:00.100Z  schedule-shipment  action #1            30ms  failure  NO_CARRIER: none',
      '2026-01-01T10:00:01.000Z  reserve-inventory  compensation #1    1.000s  failure  LOCKED: try later',
      '2026-01-01T10:00:02.500Z  reserve-inventory  compensation #2      20ms  success',
      '',
      'operator actions:',
      'AT                        ACTION       STEP               REASON    ACTOR',
      '2026-01-01T10:00:02.400Z  SagaRetried  reserve-inventory  unlocked  key 1a2b3c4d',
      '2026-01-01T10:00:02.450Z  SagaAborted                     test      open API',
    ]);
  });

  it('names a suspension, the failed compensations and the reruns; says when nothing was sent yet', () => {
    const waiting: SagaDetail = {
      ...saga,
      status: 'SUSPENDED',
      rerunOf: 'aaaaaaaa-0000-4000-8000-000000000000',
      reruns: ['bbbbbbbb-0000-4000-8000-000000000000'],
      errors: [
        { step: 'reserve-inventory', error: { code: 'LOCKED', message: 'try later' }, at: saga.updatedAt },
      ],
      suspension: { step: 'schedule-shipment', reason: 'NO_CARRIER: none', at: '2026-01-01T10:00:01.000Z' },
      steps: saga.steps.map((step) => ({ ...step, history: [] })),
    };

    const lines = describeSaga(waiting, []);

    expect(lines).toEqual(
      expect.arrayContaining([
        'suspended:       on schedule-shipment since 2026-01-01T10:00:01.000Z: NO_CARRIER: none',
        'rerun of:        aaaaaaaa-0000-4000-8000-000000000000',
        'reruns:          bbbbbbbb-0000-4000-8000-000000000000',
        'compensation failed: reserve-inventory: LOCKED: try later',
        '  (nothing sent yet)',
      ]),
    );
    expect(lines).not.toContain('operator actions:');
  });
});
