import { useState } from 'preact/hooks';
import { getJson } from '../api/client';
import type { DefinitionSummary, SagaPage } from '../api/types';
import { formatTime, shortId } from '../format';
import { usePolled } from '../hooks/use-polled';
import { type SagaFilters, filtersToQuery, hasFilters } from '../list-filters';
import { routeHref } from '../routing';
import { ProblemLine, RefreshLine } from './refresh-line';
import { SagaFiltersForm } from './saga-filters-form';
import { StatusBadge } from './status-badge';

const PAGE_SIZE = 50;
const REFRESH_MS = 3000;

/** The sagas, newest first, filtered as the address says, refreshed every few seconds while live. */
export function SagaListPage({ filters }: { filters: SagaFilters }) {
  const [live, setLive] = useState(true);
  // Cursors of the pages before this one, to go back; the first page has none.
  const [cursors, setCursors] = useState<string[]>([]);
  const filterQuery = filtersToQuery(filters).toString();
  const cursor = cursors.at(-1);
  const query = new URLSearchParams(filterQuery);
  query.set('limit', String(PAGE_SIZE));
  if (cursor !== undefined) query.set('cursor', cursor);
  const path = `/api/sagas?${query.toString()}`;
  const page = usePolled(path, () => getJson<SagaPage>(path), REFRESH_MS, live);
  const definitions = usePolled(
    'definitions',
    () => getJson<{ items: DefinitionSummary[] }>('/api/definitions'),
    0,
    false,
  );

  const apply = (next: SagaFilters) => {
    setCursors([]);
    location.hash = routeHref({ view: 'sagas', filters: next });
  };

  return (
    <main>
      <h1>Sagas</h1>
      <SagaFiltersForm
        key={filterQuery}
        filters={filters}
        definitions={definitions.data?.items ?? []}
        onApply={apply}
      />
      <RefreshLine live={live} onLive={setLive} at={page.at} />
      <ProblemLine error={page.error} />
      {page.data !== null && (
        <>
          <table class="sagas" aria-label="Sagas">
            <thead>
              <tr>
                <th>Status</th>
                <th>Saga</th>
                <th>Id</th>
                <th>Correlation id</th>
                <th>Failing step</th>
                <th>Created</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((saga) => (
                <tr key={saga.id} data-saga-id={saga.id}>
                  <td>
                    <StatusBadge status={saga.status} />
                  </td>
                  <td>
                    <a href={routeHref({ view: 'saga', id: saga.id })}>
                      {saga.name} <span class="muted">v{saga.version}</span>
                    </a>
                  </td>
                  <td class="mono" title={saga.id}>
                    {shortId(saga.id)}
                  </td>
                  <td class="mono">{saga.correlationId}</td>
                  <td>{saga.failingStep ?? ''}</td>
                  <td>{formatTime(saga.createdAt)}</td>
                  <td>{formatTime(saga.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.items.length === 0 && (
            <p class="empty">{hasFilters(filters) ? 'No saga matches these filters.' : 'No saga yet.'}</p>
          )}
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
        </>
      )}
    </main>
  );
}
