import { compactJson, formatClock, formatDuration, formatElapsed } from '../format';
import { type Timeline, type TimelineBar, axisTicks, offsetPercent } from '../timeline';

const LEGEND = [
  ['outcome-success', 'succeeded'],
  ['compensation-success', 'compensated'],
  ['outcome-failure', 'failed'],
  ['outcome-timeout', 'timed out'],
  ['outcome-pending', 'waiting for an answer'],
  ['outcome-abandoned', 'given up on'],
  ['marker-swatch', 'operator action'],
  ['gap-swatch', 'long wait, shortened'],
] as const;

const percent = (value: number) => `${value.toFixed(3)}%`;

function barTitle(step: string, kind: string, bar: TimelineBar): string {
  const lines = [
    `${step} ${kind} #${bar.attempt}: ${bar.outcome}`,
    `${formatClock(new Date(bar.startMs).toISOString())}, ${formatDuration(bar.durationMs)}`,
  ];
  if (bar.error !== null) lines.push(`error ${compactJson(bar.error)}`);
  if (bar.output !== null) lines.push(`output ${compactJson(bar.output)}`);
  return lines.join('\n');
}

/** Each attempt of each action and compensation as a bar on the saga's time axis; operator actions as lines. */
export function TimelineChart({ timeline }: { timeline: Timeline }) {
  if (timeline.lanes.length === 0) return <p class="empty">No attempt yet.</p>;
  const gaps = timeline.segments.filter((segment) => segment.gap);
  const ticks = axisTicks(timeline);
  const spacing = Math.min(...ticks.slice(1).map((tick, index) => tick - ticks[index]!));
  return (
    <figure class="timeline" aria-label="Timeline">
      <div class="axis" aria-hidden="true">
        {ticks.map((tick, index) => (
          <span key={index} class="tick" style={{ left: percent(offsetPercent(timeline, tick)) }}>
            {formatElapsed(tick - timeline.startMs, spacing)}
          </span>
        ))}
      </div>
      <ol class="lanes">
        {timeline.lanes.map((lane) => (
          <li key={lane.key} class={`lane lane-${lane.kind}`} data-step={lane.step} data-kind={lane.kind}>
            <span class="lane-label" title={`${lane.step} (${lane.kind})`}>
              {lane.kind === 'compensation' ? `↩ ${lane.step}` : lane.step}
            </span>
            <span class="track">
              {gaps.map((gap) => (
                <span
                  key={gap.fromMs}
                  class="gap"
                  style={{ left: percent(gap.fromPercent), width: percent(gap.toPercent - gap.fromPercent) }}
                  title={`${formatDuration(gap.toMs - gap.fromMs)} with nothing happening, drawn shortened`}
                />
              ))}
              {lane.bars.map((bar) => (
                <span
                  key={bar.attempt}
                  class={`bar outcome-${bar.outcome}`}
                  data-outcome={bar.outcome}
                  style={{
                    left: percent(offsetPercent(timeline, bar.startMs)),
                    width: percent(offsetPercent(timeline, bar.endMs) - offsetPercent(timeline, bar.startMs)),
                  }}
                  title={barTitle(lane.step, lane.kind, bar)}
                />
              ))}
              {timeline.markers.map((marker) => (
                <span
                  key={marker.seq}
                  class="marker"
                  style={{ left: percent(offsetPercent(timeline, marker.atMs)) }}
                  title={`${marker.type}: ${marker.reason ?? 'no reason given'}`}
                />
              ))}
            </span>
          </li>
        ))}
      </ol>
      <figcaption class="legend">
        {LEGEND.map(([swatch, label]) => (
          <span key={label}>
            <span class={`swatch ${swatch}`} /> {label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
