import type { SagaLogEntry } from '../api/types';
import { compactJson, formatClock } from '../format';

/** The saga's log, oldest first, with the reason and acting key of every operator action in its own column. */
export function SagaLog({ entries }: { entries: SagaLogEntry[] }) {
  return (
    <table class="log" aria-label="Saga log">
      <thead>
        <tr>
          <th>#</th>
          <th>At</th>
          <th>Entry</th>
          <th>Step</th>
          <th>Reason</th>
          <th>Data</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const { reason, actor, ...rest } = entry.data;
          return (
            <tr key={entry.seq} data-type={entry.type}>
              <td>{entry.seq}</td>
              <td class="mono">{formatClock(entry.at)}</td>
              <td>{entry.type}</td>
              <td>{entry.step ?? ''}</td>
              <td class="reason">
                {typeof reason === 'string' ? reason : ''}
                {typeof actor === 'string' && <span class="muted"> (key {actor})</span>}
              </td>
              <td class="mono wrap">{Object.keys(rest).length > 0 ? compactJson(rest, 300) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
