import type { JsonValue } from 'saga-orchestrator-sdk/contracts';

/**
 * JSON with object keys sorted recursively and no whitespace: the same data gives the same text whatever its
 * key order, formatting or comments in the file it came from.
 */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
