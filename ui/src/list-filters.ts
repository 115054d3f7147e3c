import { type SagaStatus, sagaStatuses } from './api/types';

/** The filters of GET /api/sagas, as the list page holds them; an empty string is no filter. */
export interface SagaFilters {
  statuses: SagaStatus[];
  name: string;
  version: string;
  correlationId: string;
  failingStep: string;
  /** ISO 8601 with an offset, as the API takes them. */
  createdFrom: string;
  createdTo: string;
}

export const noFilters: SagaFilters = {
  statuses: [],
  name: '',
  version: '',
  correlationId: '',
  failingStep: '',
  createdFrom: '',
  createdTo: '',
};

const TEXT_FILTERS = ['name', 'version', 'correlationId', 'failingStep', 'createdFrom', 'createdTo'] as const;

/** Reads filters from a query string (the page's address or the API's); unknown statuses are dropped. */
export function filtersFromQuery(query: URLSearchParams): SagaFilters {
  const statuses = query
    .getAll('status')
    .flatMap((value) => value.split(','))
    .filter((value): value is SagaStatus => (sagaStatuses as readonly string[]).includes(value));
  const filters: SagaFilters = { ...noFilters, statuses: [...new Set(statuses)] };
  for (const field of TEXT_FILTERS) filters[field] = query.get(field)?.trim() ?? '';
  return filters;
}

/** The filters as the API's query string: only those set, statuses comma-separated. */
export function filtersToQuery(filters: SagaFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.statuses.length > 0) query.set('status', filters.statuses.join(','));
  for (const field of TEXT_FILTERS) {
    const value = filters[field].trim();
    if (value !== '') query.set(field, value);
  }
  return query;
}

export function hasFilters(filters: SagaFilters): boolean {
  return filtersToQuery(filters).toString() !== '';
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An ISO time as a `datetime-local` input's value, in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` input's value (the browser's time zone) as ISO 8601 in UTC; empty stays empty. */
export function fromLocalInput(local: string): string {
  if (local === '') return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
