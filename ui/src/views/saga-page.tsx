import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api/client';
import { type LogPage, type Role, type SagaDetail, type SagaLogEntry, terminalStatuses } from '../api/types';
import { compactJson, formatTime } from '../format';
import { usePolled } from '../hooks/use-polled';
import { type OperatorAction, offeredActions } from '../operator-actions';
import { noFilters } from '../list-filters';
import { routeHref } from '../routing';
import { buildTimeline } from '../timeline';
import { AttemptsTable } from './attempts-table';
import { DefinitionGraph } from './definition-graph';
import { OperatorDialog } from './operator-dialog';
import { ProblemLine } from './refresh-line';
import { SagaLog } from './saga-log';
import { StatusBadge } from './status-badge';
import { StepsTable } from './steps-table';
import { TimelineChart } from './timeline-chart';

const REFRESH_MS = 2000;
const MAX_LOG_PAGES = 20;

async function loadSaga(id: string): Promise<{ saga: SagaDetail; log: SagaLogEntry[] }> {
  const path = `/api/sagas/${encodeURIComponent(id)}`;
  const saga = await getJson<SagaDetail>(path);
  const log: SagaLogEntry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_LOG_PAGES; page++) {
    const query: string = cursor === null ? '' : `?cursor=${cursor}`;
    const entries: LogPage = await getJson<LogPage>(`${path}/events${query}`);
    log.push(...entries.items);
    cursor = entries.nextCursor;
    if (cursor === null) break;
  }
  return { saga, log };
}

const SAGA_ACTION_LABELS = { retry: 'Retry…', abort: 'Abort…', rerun: 'Rerun…' } as const;

/** One saga: what it is, what an operator may do, its timeline, steps, attempts, log and definition graph. */
export function SagaPage({ id, role }: { id: string; role: Role }) {
  const [live, setLive] = useState(true);
  const loaded = usePolled(`saga:${id}`, () => loadSaga(id), REFRESH_MS, live);
  const [asking, setAsking] = useState<OperatorAction | null>(null);
  const data = loaded.data;
  // An ended saga is read once; an operator action reads it again, and polling resumes while it moves.
  const terminal = data !== null && terminalStatuses.has(data.saga.status);
  useEffect(() => setLive(!terminal), [terminal]);

  if (data === null) {
    return (
      <main>
        <ProblemLine error={loaded.error} />
        {loaded.error === null && <p class="muted">loading…</p>}
      </main>
    );
  }
  const { saga, log } = data;
  const actions = offeredActions(saga, role);
  const sagaActions = actions.filter(
    (action): action is { kind: 'retry' | 'abort' | 'rerun' } =>
      action.kind === 'retry' || action.kind === 'abort' || action.kind === 'rerun',
  );
  const timeline = buildTimeline(saga, log, loaded.at?.getTime() ?? Date.now());

  return (
    <main class="saga">
      <p>
        <a href={routeHref({ view: 'sagas', filters: noFilters })}>← All sagas</a>
      </p>
      <header class="saga-header">
        <h1>
          {saga.name} <span class="muted">v{saga.version}</span> <StatusBadge status={saga.status} />
        </h1>
        <div class="operator" aria-label="Operator actions">
          {sagaActions.map((action) => (
            <button key={action.kind} type="button" class="primary" onClick={() => setAsking(action)}>
              {SAGA_ACTION_LABELS[action.kind]}
            </button>
          ))}
        </div>
      </header>
      <ProblemLine error={loaded.error} />
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">{saga.id}</dd>
        <dt>Correlation id</dt>
        <dd class="mono">{saga.correlationId}</dd>
        <dt>Created</dt>
        <dd>{formatTime(saga.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(saga.updatedAt)}</dd>
        {saga.deadlineAt !== null && (
          <>
            <dt>Deadline</dt>
            <dd>{formatTime(saga.deadlineAt)}</dd>
          </>
        )}
        {saga.failingStep !== null && (
          <>
            <dt>Failing step</dt>
            <dd>{saga.failingStep}</dd>
          </>
        )}
        {saga.rerunOf !== null && (
          <>
            <dt>Rerun of</dt>
            <dd>
              <a class="mono" href={routeHref({ view: 'saga', id: saga.rerunOf })}>
                {saga.rerunOf}
              </a>
            </dd>
          </>
        )}
        {saga.reruns.length > 0 && (
          <>
            <dt>Reruns</dt>
            <dd>
              {saga.reruns.map((rerun) => (
                <a key={rerun} class="mono" href={routeHref({ view: 'saga', id: rerun })}>
                  {rerun}{' '}
                </a>
              ))}
            </dd>
          </>
        )}
        <dt>Input</dt>
        <dd class="mono wrap">{compactJson(saga.input, 400)}</dd>
      </dl>
      {saga.suspension !== null && (
        <p class="notice" role="status">
          Suspended {saga.suspension.step === null ? '' : `on step ${saga.suspension.step}`}:{' '}
          {saga.suspension.reason}
        </p>
      )}
      {saga.errors.length > 0 && (
        <ul
          class={saga.status === 'COMPENSATION_FAILED' ? 'notice errors' : 'notice errors past'}
          aria-label="Compensation failures"
        >
          {saga.errors.map((failure) => (
            <li key={`${failure.step}:${failure.at}`}>
              Compensation of {failure.step} failed for good at {formatTime(failure.at)}
              {saga.status === 'COMPENSATION_FAILED'
                ? ''
                : ' (the saga went on after an operator action)'}:{' '}
              <span class="mono">{compactJson(failure.error, 300)}</span>
            </li>
          ))}
        </ul>
      )}

      <section>
        <h2>Timeline</h2>
        <TimelineChart timeline={timeline} />
      </section>
      <section>
        <h2>Steps</h2>
        <StepsTable saga={saga} actions={actions} onAction={setAsking} />
      </section>
      <section>
        <h2>Attempts</h2>
        <AttemptsTable timeline={timeline} />
      </section>
      <section>
        <h2>Definition</h2>
        <DefinitionGraph name={saga.name} version={saga.version} />
      </section>
      <section>
        <h2>Log</h2>
        <SagaLog entries={log} />
      </section>

      {asking !== null && (
        <OperatorDialog
          saga={saga}
          action={asking}
          onClose={() => setAsking(null)}
          onDone={(newSagaId) => {
            if (newSagaId !== null) location.hash = routeHref({ view: 'saga', id: newSagaId });
            loaded.reload();
          }}
        />
      )}
    </main>
  );
}
