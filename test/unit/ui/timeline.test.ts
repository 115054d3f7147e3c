import type { SagaLogEntry } from '../../../ui/src/api/types';
import { axisTicks, buildTimeline, offsetPercent } from '../../../ui/src/timeline';
import { at, attempt, saga, step } from './saga-fixture';

describe('the timeline of a saga', () => {
  const compensated = saga({
    status: 'COMPENSATED',
    steps: [
      step('reserve-inventory', {
        history: [attempt('action', 1, 0, 40, 'success'), attempt('compensation', 1, 300, 330, 'success')],
      }),
      step('charge-payment', {
        history: [
          attempt('action', 1, 40, 100, 'timeout'),
          attempt('action', 2, 150, 200, 'success'),
          attempt('compensation', 1, 260, 300, 'success'),
        ],
      }),
      step('schedule-shipment', { status: 'FAILED', history: [attempt('action', 1, 200, 260, 'failure')] }),
    ],
  });

  it('has a lane per action and per compensation, in the order they first started', () => {
    const timeline = buildTimeline(compensated, [], Date.parse(at(1000)));
    expect(timeline.lanes.map((lane) => `${lane.step} ${lane.kind}`)).toEqual([
      'reserve-inventory action',
      'charge-payment action',
      'schedule-shipment action',
      'charge-payment compensation',
      'reserve-inventory compensation',
    ]);
    expect(timeline.lanes[1]!.bars.map((bar) => [bar.attempt, bar.outcome])).toEqual([
      [1, 'timeout'],
      [2, 'success'],
    ]);
  });

  it('spans from the saga start to the last answer, and places times in percent of that', () => {
    const timeline = buildTimeline(compensated, [], Date.parse(at(1000)));
    expect([timeline.startMs, timeline.endMs]).toEqual([Date.parse(at(0)), Date.parse(at(330))]);
    expect(offsetPercent(timeline, Date.parse(at(165)))).toBe(50);
    expect(axisTicks(timeline).map((tick) => tick - timeline.startMs)).toEqual([0, 82.5, 165, 247.5, 330]);
  });

  it('draws an attempt still waiting for its answer up to now', () => {
    const running = saga({
      steps: [step('reserve-inventory', { history: [attempt('action', 1, 10, null, 'pending')] })],
    });
    const timeline = buildTimeline(running, [], Date.parse(at(500)));
    expect(timeline.lanes[0]!.bars[0]!.endMs).toBe(Date.parse(at(500)));
    expect(timeline.endMs).toBe(Date.parse(at(500)));
  });

  it('marks every operator action with its reason and acting key, and nothing else from the log', () => {
    const log: SagaLogEntry[] = [
      { seq: 1, type: 'SagaStarted', at: at(0), data: {} },
      { seq: 9, type: 'CompensationStarted', at: at(260), data: { reason: 'step-failed' } },
      {
        seq: 14,
        type: 'SagaRetried',
        at: at(900),
        step: 'charge-payment',
        data: { reason: 'bank is back', actor: 'ab12cd34' },
      },
      { seq: 20, type: 'SagaAborted', at: at(950), data: { actor: null } },
    ];
    const timeline = buildTimeline(compensated, log, Date.parse(at(1000)));
    expect(timeline.markers).toEqual([
      {
        seq: 14,
        atMs: Date.parse(at(900)),
        type: 'SagaRetried',
        step: 'charge-payment',
        reason: 'bank is back',
        actor: 'ab12cd34',
      },
      { seq: 20, atMs: Date.parse(at(950)), type: 'SagaAborted', step: null, reason: null, actor: null },
    ]);
    expect(timeline.endMs).toBe(Date.parse(at(950)));
  });

  it('shortens a long wait with nothing happening, so the attempts around it stay readable', () => {
    const retried = saga({
      status: 'COMPENSATED',
      steps: [
        step('charge-payment', {
          history: [
            attempt('compensation', 1, 0, 40, 'failure'),
            attempt('compensation', 2, 20_040, 20_100, 'success'),
          ],
        }),
      ],
    });
    const timeline = buildTimeline(retried, [], Date.parse(at(30_000)));
    expect(
      timeline.segments.map(({ fromMs, toMs, fromPercent, toPercent, gap }) => ({
        from: fromMs - timeline.startMs,
        to: toMs - timeline.startMs,
        width: Math.round((toPercent - fromPercent) * 100) / 100,
        gap,
      })),
    ).toEqual([
      { from: 0, to: 40, width: 37.6, gap: false },
      { from: 40, to: 20_040, width: 6, gap: true },
      { from: 20_040, to: 20_100, width: 56.4, gap: false },
    ]);
    expect(offsetPercent(timeline, Date.parse(at(10_040)))).toBeCloseTo(40.6);
    expect(axisTicks(timeline).map((tick) => tick - timeline.startMs)).toEqual([
      0, 20, 20_040, 20_070, 20_100,
    ]);
  });

  it('draws short waits as they were', () => {
    const backedOff = saga({
      steps: [
        step('reserve-inventory', {
          history: [attempt('action', 1, 0, 400, 'timeout'), attempt('action', 2, 600, 700, 'success')],
        }),
      ],
    });
    const timeline = buildTimeline(backedOff, [], Date.parse(at(700)));
    expect(timeline.segments).toHaveLength(1);
    expect(offsetPercent(timeline, Date.parse(at(350)))).toBe(50);
  });

  it('has no lane for a step that never ran', () => {
    const fresh = saga({ steps: [step('reserve-inventory', { status: 'PENDING' })] });
    expect(buildTimeline(fresh, [], Date.parse(at(0))).lanes).toEqual([]);
  });
});
