import { type SagaFilters, filtersFromQuery, filtersToQuery } from './list-filters';

/** The page's views, read from and written to the address's fragment (`#/sagas/<id>`), so links can be shared. */
export type Route =
  | { view: 'sagas'; filters: SagaFilters }
  | { view: 'saga'; id: string }
  | { view: 'stats'; window: string }
  | { view: 'dead-letters' };

/** The windows the stats page offers, as labels and their length in minutes. */
export const statsWindows: Record<string, number> = {
  '15m': 15,
  '1h': 60,
  '6h': 360,
  '24h': 1440,
  '7d': 10080,
};
export const DEFAULT_STATS_WINDOW = '1h';

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'sagas' && parts[1] !== undefined)
    return { view: 'saga', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'stats') {
    const window = params.get('window') ?? DEFAULT_STATS_WINDOW;
    return { view: 'stats', window: window in statsWindows ? window : DEFAULT_STATS_WINDOW };
  }
  if (parts[0] === 'dead-letters') return { view: 'dead-letters' };
  return { view: 'sagas', filters: filtersFromQuery(params) };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'sagas': {
      const query = filtersToQuery(route.filters).toString();
      return query === '' ? '#/sagas' : `#/sagas?${query}`;
    }
    case 'saga':
      return `#/sagas/${encodeURIComponent(route.id)}`;
    case 'stats':
      return `#/stats?window=${route.window}`;
    case 'dead-letters':
      return '#/dead-letters';
  }
}
