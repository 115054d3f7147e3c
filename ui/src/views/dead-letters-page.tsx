import { useState } from 'preact/hooks';
import { api, getJson } from '../api/client';
import type { DeadLetter, DeadLetterPage, Role } from '../api/types';
import { formatTime } from '../format';
import { usePolled } from '../hooks/use-polled';
import { ConfirmDialog } from './confirm-dialog';
import { ProblemLine, RefreshLine } from './refresh-line';

const REFRESH_MS = 5000;

type Asking = { kind: 'replay' | 'delete'; letter: DeadLetter };

/** Messages nobody could process, newest first, with replay and delete for admin keys. */
export function DeadLettersPage({ role }: { role: Role }) {
  const [live, setLive] = useState(true);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const path = `/api/dead-letters?limit=50${cursor === undefined ? '' : `&cursor=${cursor}`}`;
  const page = usePolled(path, () => getJson<DeadLetterPage>(path), REFRESH_MS, live);
  const [asking, setAsking] = useState<Asking | null>(null);

  const act = async ({ kind, letter }: Asking) => {
    const target = `/api/dead-letters/${encodeURIComponent(letter.id)}`;
    if (kind === 'replay') await api('POST', `${target}/replay`);
    else await api('DELETE', target);
    page.reload();
  };

  return (
    <main>
      <h1>Dead letters</h1>
      <RefreshLine live={live} onLive={setLive} at={page.at} />
      <ProblemLine error={page.error} />
      {page.data !== null && page.data.items.length === 0 && <p class="empty">No dead letter.</p>}
      <ol class="dead-letters">
        {page.data?.items.map((letter) => (
          <li key={letter.id} class="dead-letter" data-dead-letter-id={letter.id}>
            <header>
              <strong>{letter.reason}</strong>
              <span class="muted">
                {formatTime(letter.receivedAt)} · from {letter.originalExchange || '(default exchange)'} →{' '}
                {letter.originalRoutingKey} · {letter.contentBytes} bytes
              </span>
              {role === 'admin' && (
                <span class="actions">
                  <button type="button" onClick={() => setAsking({ kind: 'replay', letter })}>
                    Replay…
                  </button>
                  <button type="button" class="danger" onClick={() => setAsking({ kind: 'delete', letter })}>
                    Delete…
                  </button>
                </span>
              )}
            </header>
            <pre class="content">
              {letter.content}
              {letter.truncated && '…'}
            </pre>
            {Object.keys(letter.headers).length > 0 && (
              <details>
                <summary>Headers</summary>
                <pre class="json">{JSON.stringify(letter.headers, null, 2)}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {page.data !== null && (
        <div class="pager">
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ← Newer
          </button>
          <button
            type="button"
            disabled={page.data.nextCursor === null}
            onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
          >
            Older →
          </button>
        </div>
      )}
      {asking !== null && (
        <ConfirmDialog
          title={asking.kind === 'replay' ? 'Replay this message' : 'Delete this message'}
          confirm={asking.kind === 'replay' ? 'Replay' : 'Delete'}
          reason={false}
          onConfirm={() => act(asking)}
          onClose={() => setAsking(null)}
        >
          <p>
            {asking.kind === 'replay'
              ? `It is published again to ${asking.letter.originalExchange || '(default exchange)'} → ${asking.letter.originalRoutingKey}, and leaves this list.`
              : 'It is forgotten for good.'}
          </p>
          <p class="muted">{asking.letter.reason}</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
