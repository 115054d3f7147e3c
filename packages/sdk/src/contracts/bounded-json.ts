import { unstorableText } from './json';

export interface JsonBounds {
  maxBytes: number;
  /** Arrays and objects nested deeper than this are refused; `{}` is one level. */
  maxDepth: number;
  /** Refuse strings PostgreSQL cannot store (U+0000, unpaired surrogates), naming where they are. */
  storableText?: boolean;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * The deepest nesting of arrays and objects in JSON text, read from the bytes without parsing (strings are
 * skipped). Stops as soon as it passes `stopAbove`, so a hostile document costs no more than its first levels.
 * For text that is not JSON the result means nothing; the parse that follows refuses it.
 */
export function jsonNestingDepth(text: Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Parses JSON from an untrusted source within bounds: size first, then nesting depth (before anything recursive
 * touches the value), then the parse itself. Never throws.
 */
export function parseBoundedJson(content: Buffer, bounds: JsonBounds): BoundedJson {
  if (content.length > bounds.maxBytes) {
    return { ok: false, reason: `is ${content.length} bytes, more than the limit of ${bounds.maxBytes}` };
  }
  if (jsonNestingDepth(content, bounds.maxDepth) > bounds.maxDepth) {
    return { ok: false, reason: `is nested deeper than ${bounds.maxDepth} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `is not valid JSON: ${(error as Error).message}` };
  }
  // Only a `\u` escape can put U+0000 or a lone surrogate into parsed JSON: skip the walk when there is none.
  if (bounds.storableText === true && content.includes('\\u')) {
    const problem = findUnstorableText(value);
    if (problem !== null) return { ok: false, reason: problem };
  }
  return { ok: true, value };
}

/**
 * The first string (value or key) PostgreSQL cannot store, as `path: reason`, or null. Walks with a stack of its
 * own, so any depth is safe.
 */
export function findUnstorableText(value: unknown): string | null {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const reason = unstorableText(current);
      if (reason !== null) return `${path || '(root)'}: ${reason}`;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: joinPath(path, String(index)) }));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        const reason = unstorableText(key);
        if (reason !== null) return `${path || '(root)'}: a key ${reason}`;
        pending.push({ value: item, path: joinPath(path, key) });
      }
    }
  }
  return null;
}

function joinPath(path: string, segment: string): string {
  return path === '' ? segment : `${path}.${segment}`;
}
