import { type Document, isScalar, visit } from 'yaml';

/**
 * Where a mapping repeats a key, as the offset of each repeat. Keys are compared as they become object keys
 * (`1` and `"1"` are the same key), each mapping with one set: yaml's own check compares every key with every
 * other, which a file with many keys makes quadratic.
 */
export function duplicateKeyOffsets(document: Document): number[] {
  const offsets: number[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        const name = key.value === null ? '' : String(key.value);
        if (seen.has(name)) offsets.push(key.range?.[0] ?? 0);
        seen.add(name);
      }
    },
  });
  return offsets;
}
