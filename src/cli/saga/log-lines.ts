import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { LogEntry } from './api-schemas';
import { formatError } from './format';

/** Wide enough for most entry types and step names, so a live log stays in columns without knowing what comes next. */
const TYPE_WIDTH = 24;
const STEP_WIDTH = 20;

/** One saga log entry as a line: time, type, step, then what it says (command, attempt, error, reason, actor). */
export function formatLogEntry(entry: LogEntry): string {
  const detail = entryDetail(entry.data);
  return [entry.at, entry.type.padEnd(TYPE_WIDTH), (entry.step ?? '-').padEnd(STEP_WIDTH), detail]
    .join('  ')
    .trimEnd();
}

/** Who acted, for an operator action: the key's fingerprint, or that the API is open (no key). */
export function actorText(actor: unknown): string {
  return typeof actor === 'string' ? `key ${actor}` : 'open API';
}

/** Whether the entry records something an operator did: only those carry `actor`. */
export function isOperatorAction(entry: LogEntry): boolean {
  return Object.hasOwn(entry.data, 'actor');
}

function entryDetail(data: JsonObject): string {
  const parts: string[] = [];
  if (typeof data.type === 'string') {
    const attempt = typeof data.attempt === 'number' ? ` #${data.attempt}` : '';
    parts.push(`${data.type}${attempt}${data.kind === 'compensation' ? ' (compensation)' : ''}`);
  } else if (typeof data.attempt === 'number') {
    parts.push(`attempt ${data.attempt}`);
  }
  if (typeof data.from === 'number' && typeof data.to === 'number') {
    parts.push(`version ${data.from} → ${data.to}`);
  }
  if (typeof data.rerunOf === 'string') parts.push(`rerun of ${data.rerunOf}`);
  const error = formatError(data.error);
  if (error !== '') parts.push(error);
  if (typeof data.reason === 'string') parts.push(`reason: ${data.reason}`);
  if (Object.hasOwn(data, 'actor')) parts.push(`by ${actorText(data.actor)}`);
  return parts.join('; ');
}
