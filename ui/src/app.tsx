import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, whenUnauthorized } from './api/client';
import { forgetKey, storeKey, storedKey } from './api/key-store';
import type { Role } from './api/types';
import { useRoute } from './hooks/use-route';
import { filtersToQuery, noFilters } from './list-filters';
import { DEFAULT_STATS_WINDOW, type Route, routeHref } from './routing';
import { DeadLettersPage } from './views/dead-letters-page';
import { KeyPrompt } from './views/key-prompt';
import { SagaListPage } from './views/saga-list-page';
import { SagaPage } from './views/saga-page';
import { StatsPage } from './views/stats-page';

type Access =
  | { state: 'checking' }
  | { state: 'needs-key'; refused: boolean }
  | { state: 'failed'; message: string }
  | { state: 'ready'; role: Role };

/** Finds out what the tab's key may do (GET /api/whoami), asking for a key when the engine wants one. */
function useAccess(): [Access, (key: string | null) => void] {
  const [access, setAccess] = useState<Access>({ state: 'checking' });
  const check = () => {
    getJson<{ role: Role }>('/api/whoami').then(
      ({ role }) => setAccess({ state: 'ready', role }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) return;
        setAccess({ state: 'failed', message: error instanceof ApiError ? error.describe() : String(error) });
      },
    );
  };
  useEffect(() => {
    whenUnauthorized(() => {
      const refused = storedKey() !== null;
      forgetKey();
      setAccess({ state: 'needs-key', refused });
    });
    check();
  }, []);
  const changeKey = (key: string | null) => {
    if (key === null) {
      forgetKey();
      setAccess({ state: 'needs-key', refused: false });
      return;
    }
    storeKey(key);
    setAccess({ state: 'checking' });
    check();
  };
  return [access, changeKey];
}

export function App() {
  const route = useRoute();
  const [access, changeKey] = useAccess();
  if (access.state === 'needs-key') return <KeyPrompt refused={access.refused} onKey={changeKey} />;
  if (access.state === 'failed') {
    return (
      <main>
        <p class="problem" role="alert">
          {access.message}
        </p>
      </main>
    );
  }
  if (access.state === 'checking') return <main class="muted">loading…</main>;
  return (
    <>
      <Header
        route={route}
        role={access.role}
        onForget={storedKey() === null ? null : () => changeKey(null)}
      />
      <Page route={route} role={access.role} />
    </>
  );
}

function Header({ route, role, onForget }: { route: Route; role: Role; onForget: (() => void) | null }) {
  const links: Array<[string, Route, boolean]> = [
    ['Sagas', { view: 'sagas', filters: noFilters }, route.view === 'sagas' || route.view === 'saga'],
    ['Statistics', { view: 'stats', window: DEFAULT_STATS_WINDOW }, route.view === 'stats'],
    ['Dead letters', { view: 'dead-letters' }, route.view === 'dead-letters'],
  ];
  return (
    <header class="top">
      <a class="brand" href="#/sagas">
        Saga orchestrator
      </a>
      <nav aria-label="Pages">
        {links.map(([label, target, current]) => (
          <a
            key={label}
            href={routeHref(target)}
            class={current ? 'current' : ''}
            aria-current={current ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <span class="role" data-role={role}>
        {role === 'admin' ? 'admin' : 'read only'}
      </span>
      {onForget !== null && (
        <button type="button" class="link" onClick={onForget}>
          Forget key
        </button>
      )}
    </header>
  );
}

function Page({ route, role }: { route: Route; role: Role }) {
  switch (route.view) {
    case 'sagas':
      return <SagaListPage key={filtersToQuery(route.filters).toString()} filters={route.filters} />;
    case 'saga':
      return <SagaPage key={route.id} id={route.id} role={role} />;
    case 'stats':
      return <StatsPage window={route.window} />;
    case 'dead-letters':
      return <DeadLettersPage role={role} />;
  }
}
