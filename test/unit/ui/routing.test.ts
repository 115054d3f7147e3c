import {
  filtersFromQuery,
  filtersToQuery,
  fromLocalInput,
  noFilters,
  toLocalInput,
} from '../../../ui/src/list-filters';
import { parseRoute, routeHref } from '../../../ui/src/routing';

describe('the page address', () => {
  it.each([
    ['', { view: 'sagas', filters: noFilters }],
    ['#/sagas', { view: 'sagas', filters: noFilters }],
    ['#/sagas/0b5c2d1e', { view: 'saga', id: '0b5c2d1e' }],
    ['#/stats', { view: 'stats', window: '1h' }],
    ['#/stats?window=24h', { view: 'stats', window: '24h' }],
    ['#/stats?window=1y', { view: 'stats', window: '1h' }],
    ['#/dead-letters', { view: 'dead-letters' }],
    ['#/nowhere', { view: 'sagas', filters: noFilters }],
  ])('reads %j as %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('writes every filter into the address and reads the same filters back', () => {
    const filters = {
      statuses: ['RUNNING', 'COMPENSATION_FAILED'] as const,
      name: 'order-fulfillment',
      version: '2',
      correlationId: 'c 1&2',
      failingStep: 'charge-payment',
      createdFrom: '2026-01-31T12:00:00.000Z',
      createdTo: '2026-02-01T00:00:00.000Z',
    };
    const href = routeHref({ view: 'sagas', filters: { ...filters, statuses: [...filters.statuses] } });
    expect(href).toBe(
      '#/sagas?status=RUNNING%2CCOMPENSATION_FAILED&name=order-fulfillment&version=2&correlationId=c+1%262' +
        '&failingStep=charge-payment&createdFrom=2026-01-31T12%3A00%3A00.000Z&createdTo=2026-02-01T00%3A00%3A00.000Z',
    );
    expect(parseRoute(href)).toEqual({
      view: 'sagas',
      filters: { ...filters, statuses: [...filters.statuses] },
    });
  });

  it('drops statuses the API does not have, and reads repeated or comma-separated ones', () => {
    const filters = filtersFromQuery(new URLSearchParams('status=RUNNING&status=NOPE,SUSPENDED,RUNNING'));
    expect(filters.statuses).toEqual(['RUNNING', 'SUSPENDED']);
    expect(filtersToQuery(filters).toString()).toBe('status=RUNNING%2CSUSPENDED');
  });

  it('turns a datetime-local value into ISO and back, in the browser time zone', () => {
    const iso = fromLocalInput('2026-01-31T12:30');
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
    expect(toLocalInput(iso)).toBe('2026-01-31T12:30');
    expect([fromLocalInput(''), toLocalInput('')]).toEqual(['', '']);
  });
});
