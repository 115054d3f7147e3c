import type { Json } from '../api/types';

/** A JSON value as indented text; nothing for null. */
export function JsonBlock({ value, label }: { value: Json | undefined; label?: string }) {
  if (value === null || value === undefined) return null;
  return (
    <pre class="json" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
