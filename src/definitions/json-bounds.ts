export interface JsonBounds {
  maxBytes: number;
  /** `{}` is one level. */
  maxDepth: number;
}

/**
 * Which bound a value breaks, written as JSON: `bytes` when it takes more than `maxBytes`, `depth` when it nests
 * deeper than `maxDepth`; null when it keeps both. Walks depth-first with a stack of its own and stops at the
 * first break, so a value that repeats a large part many times (YAML aliases) or holds itself costs no more
 * than its bounds.
 */
export function brokenJsonBound(value: unknown, bounds: JsonBounds): 'bytes' | 'depth' | null {
  let bytes = 0;
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current } = next;
    if (typeof current !== 'object' || current === null) {
      bytes += primitiveBytes(current);
      if (bytes > bounds.maxBytes) return 'bytes';
      continue;
    }
    const depth = next.depth + 1;
    if (depth > bounds.maxDepth) return 'depth';
    bytes += containerBytes(current);
    if (bytes > bounds.maxBytes) return 'bytes';
    // One at a time: spreading a long list into push() would overflow the call stack.
    for (const item of Object.values(current)) pending.push({ value: item, depth });
  }
  return null;
}

function textBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}

function primitiveBytes(value: unknown): number {
  return typeof value === 'string' ? textBytes(value) : String(value).length;
}

/** Brackets, separators and keys: everything but the items themselves. */
function containerBytes(value: object): number {
  if (Array.isArray(value)) return 2 + Math.max(0, value.length - 1);
  const keys = Object.keys(value);
  return 2 + Math.max(0, keys.length - 1) + keys.reduce((sum, key) => sum + textBytes(key) + 1, 0);
}
