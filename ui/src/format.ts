/** How the page writes times, durations and rates. Pure: no DOM. */

export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * Time since the saga started, as an axis label: precise enough that labels `spacingMs` apart differ
 * (`+11.912 s` and `+11.927 s` rather than `+11.9 s` twice).
 */
export function formatElapsed(ms: number, spacingMs: number): string {
  if (ms < 1000) return `+${Math.round(ms)} ms`;
  const decimals = spacingMs >= 1000 ? 1 : spacingMs >= 100 ? 2 : 3;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(decimals)} s`;
  return `+${formatDuration(ms)}`;
}

/** A rate between 0 and 1 as a percentage with at most one decimal. */
export function formatRate(rate: number): string {
  const percent = Math.round(rate * 1000) / 10;
  return `${percent}%`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local date and time to the second, `2026-01-31 12:00:05`. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}:${pad(date.getSeconds())}`;
}

/** Local time of day with milliseconds, for entries of one saga. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(
    date.getMilliseconds(),
    3,
  )}`;
}

/** JSON on one line, cut at `max` characters. */
export function compactJson(value: unknown, max = 160): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A saga id shortened to its first block, enough to tell sagas apart in a list. */
export function shortId(id: string): string {
  return id.split('-')[0] ?? id;
}
