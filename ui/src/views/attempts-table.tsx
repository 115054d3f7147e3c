import { compactJson, formatClock, formatDuration } from '../format';
import type { Timeline } from '../timeline';

/** Every attempt, in the chart's order, with what it answered: the error, or the output. */
export function AttemptsTable({ timeline }: { timeline: Timeline }) {
  const rows = timeline.lanes.flatMap((lane) => lane.bars.map((bar) => ({ lane, bar })));
  if (rows.length === 0) return null;
  return (
    <table class="attempts" aria-label="Attempts">
      <thead>
        <tr>
          <th>Step</th>
          <th>Kind</th>
          <th>#</th>
          <th>Outcome</th>
          <th>Started</th>
          <th>Took</th>
          <th>Error or output</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ lane, bar }) => (
          <tr key={`${lane.key}:${bar.attempt}`}>
            <td>{lane.step}</td>
            <td>{lane.kind}</td>
            <td>{bar.attempt}</td>
            <td>
              <span class={`outcome outcome-text-${bar.outcome}`}>{bar.outcome}</span>
            </td>
            <td class="mono">{formatClock(new Date(bar.startMs).toISOString())}</td>
            <td>{formatDuration(bar.durationMs)}</td>
            <td class="mono wrap">
              {bar.error !== null
                ? compactJson(bar.error, 400)
                : bar.output !== null
                  ? compactJson(bar.output, 400)
                  : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
