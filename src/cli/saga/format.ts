import { type JsonValue, isRecord } from 'saga-orchestrator-sdk/contracts';

/** `850ms`, `1.250s`, `2m05s`; empty when there is no duration (an attempt still running). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)}s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** An error as the API gives it (`{ code, message, retryable }`) in one line: `CODE: message`. */
export function formatError(error: JsonValue | undefined): string {
  if (error === null || error === undefined) return '';
  if (isRecord(error)) {
    const code = typeof error.code === 'string' ? error.code : '';
    const message = typeof error.message === 'string' ? error.message : '';
    if (code !== '' || message !== '') return [code, message].filter(Boolean).join(': ');
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** The API's answer as `--json` prints it. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
