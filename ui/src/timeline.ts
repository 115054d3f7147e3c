import type { AttemptOutcome, Json, SagaDetail, SagaLogEntry } from './api/types';

/** One attempt as a bar: where it starts and ends on the saga's time axis. */
export interface TimelineBar {
  attempt: number;
  outcome: AttemptOutcome;
  startMs: number;
  /** The end of the attempt, or now while it is pending. */
  endMs: number;
  durationMs: number | null;
  error: Json;
  output: Json;
}

/** A step's action, or its compensation: one row of the chart. */
export interface TimelineLane {
  key: string;
  step: string;
  kind: 'action' | 'compensation';
  bars: TimelineBar[];
}

/** An operator action from the saga log, with its reason. */
export interface TimelineMarker {
  seq: number;
  atMs: number;
  type: string;
  step: string | null;
  reason: string | null;
  actor: string | null;
}

/**
 * A stretch of the axis. A long wait with nothing happening (a backoff, a saga waiting for an operator) is a `gap`:
 * it gets a narrow fixed share of the width, so the attempts on either side stay readable.
 */
export interface TimelineSegment {
  fromMs: number;
  toMs: number;
  fromPercent: number;
  toPercent: number;
  gap: boolean;
}

export interface Timeline {
  startMs: number;
  endMs: number;
  lanes: TimelineLane[];
  markers: TimelineMarker[];
  segments: TimelineSegment[];
}

/** A wait is drawn shortened when it is longer than this and than all the time around it together. */
const MIN_SHORTENED_GAP_MS = 1000;
/** The share of the width one shortened wait gets, and all of them together at most. */
const GAP_PERCENT = 6;
const ALL_GAPS_PERCENT = 40;

const OPERATOR_ENTRIES = new Set([
  'SagaRetried',
  'SagaAborted',
  'StepCompletedByOperator',
  'CompensationCompletedByOperator',
  'SagaMigrated',
]);

/**
 * The saga's attempts on one time axis: a lane per step action and per compensation, in the order they first
 * started (so compensations follow the failure, latest step first), and a marker per operator action.
 */
export function buildTimeline(saga: SagaDetail, log: SagaLogEntry[], nowMs: number): Timeline {
  const lanes: TimelineLane[] = [];
  for (const step of saga.steps) {
    for (const kind of ['action', 'compensation'] as const) {
      const bars = step.history
        .filter((attempt) => attempt.kind === kind)
        .map((attempt) => {
          const startMs = Date.parse(attempt.startedAt);
          const endMs =
            attempt.finishedAt === null ? Math.max(nowMs, startMs) : Date.parse(attempt.finishedAt);
          return {
            attempt: attempt.attempt,
            outcome: attempt.outcome,
            startMs,
            endMs,
            durationMs: attempt.durationMs,
            error: attempt.error,
            output: attempt.output,
          };
        });
      if (bars.length > 0) lanes.push({ key: `${step.name}:${kind}`, step: step.name, kind, bars });
    }
  }
  lanes.sort((a, b) => a.bars[0]!.startMs - b.bars[0]!.startMs);

  const markers = log
    .filter((entry) => OPERATOR_ENTRIES.has(entry.type))
    .map((entry) => ({
      seq: entry.seq,
      atMs: Date.parse(entry.at),
      type: entry.type,
      step: entry.step ?? null,
      reason: typeof entry.data.reason === 'string' ? entry.data.reason : null,
      actor: typeof entry.data.actor === 'string' ? entry.data.actor : null,
    }));

  const times = [
    Date.parse(saga.createdAt),
    ...lanes.flatMap((lane) => lane.bars.flatMap((bar) => [bar.startMs, bar.endMs])),
    ...markers.map((marker) => marker.atMs),
  ];
  const startMs = Math.min(...times);
  const endMs = Math.max(...times, startMs + 1);
  const busy: Array<[number, number]> = [
    ...lanes.flatMap((lane) => lane.bars.map((bar): [number, number] => [bar.startMs, bar.endMs])),
    ...times.map((time): [number, number] => [time, time]),
  ];
  return { startMs, endMs, lanes, markers, segments: axisSegments(busy, startMs, endMs) };
}

/** The axis in stretches: the waits between busy times that are long enough to shorten, and the rest. */
function axisSegments(busy: Array<[number, number]>, startMs: number, endMs: number): TimelineSegment[] {
  const merged: Array<[number, number]> = [];
  for (const [from, to] of [...busy].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const waits = merged.slice(1).map(([from], index): [number, number] => [merged[index]![1], from]);
  const waited = waits.reduce((sum, [from, to]) => sum + (to - from), 0);
  const active = endMs - startMs - waited;
  const gaps = waits.filter(([from, to]) => to - from > Math.max(MIN_SHORTENED_GAP_MS, active));
  const gapPercent = gaps.length === 0 ? 0 : Math.min(GAP_PERCENT, ALL_GAPS_PERCENT / gaps.length);
  const linearMs = endMs - startMs - gaps.reduce((sum, [from, to]) => sum + (to - from), 0);
  const percentPerMs = (100 - gapPercent * gaps.length) / Math.max(linearMs, 1);

  const segments: TimelineSegment[] = [];
  let at = startMs;
  let percent = 0;
  const add = (toMs: number, gap: boolean) => {
    if (toMs <= at) return;
    const width = gap ? gapPercent : (toMs - at) * percentPerMs;
    segments.push({ fromMs: at, toMs, fromPercent: percent, toPercent: percent + width, gap });
    at = toMs;
    percent += width;
  };
  for (const [from, to] of gaps) {
    add(from, false);
    add(to, true);
  }
  add(endMs, false);
  const last = segments.at(-1);
  if (last !== undefined) last.toPercent = 100;
  return segments;
}

/** Where a time lies on the axis, in percent from its start. */
export function offsetPercent(timeline: Timeline, ms: number): number {
  const segment = timeline.segments.find((candidate) => ms <= candidate.toMs) ?? timeline.segments.at(-1);
  if (segment === undefined) return 0;
  const fraction =
    segment.toMs === segment.fromMs ? 0 : (ms - segment.fromMs) / (segment.toMs - segment.fromMs);
  const clamped = Math.min(1, Math.max(0, fraction));
  return segment.fromPercent + clamped * (segment.toPercent - segment.fromPercent);
}

/**
 * The times to label on the axis: the start of each stretch, points about a quarter of the width apart within it,
 * and the end; none closer than 12% of the width to the one before.
 */
export function axisTicks(timeline: Timeline): number[] {
  const candidates = [
    ...timeline.segments
      .filter((segment) => !segment.gap)
      .flatMap((segment) => {
        const parts = Math.max(1, Math.round((segment.toPercent - segment.fromPercent) / 25));
        const step = (segment.toMs - segment.fromMs) / parts;
        return Array.from({ length: parts }, (_, index) => segment.fromMs + step * index);
      }),
    timeline.endMs,
  ];
  const ticks: number[] = [];
  for (const tick of candidates) {
    const last = ticks.at(-1);
    if (last !== undefined && offsetPercent(timeline, tick) - offsetPercent(timeline, last) < 12) {
      if (tick !== timeline.endMs || ticks.length === 1) continue;
      ticks.pop();
    }
    ticks.push(tick);
  }
  return ticks;
}
