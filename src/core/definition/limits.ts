const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Bounds on a saga definition file (README "Saga definitions"). Everything a file holds is bounded: no file can
 * make loading run out of stack or memory, nor a saga wait for years.
 */
export const DefinitionLimits = {
  /** Largest file, checked before it is read. */
  maxFileBytes: 1_048_576,
  /** Largest definition as JSON, once YAML aliases are expanded (what is stored). */
  maxDocumentBytes: 1_048_576,
  /** Deepest nesting of mappings and lists in a file, counted from its top level (`{}` is one level). */
  maxNestingDepth: 64,
  /** yaml's `maxAliasCount`: how often an anchor may be used, weighted by the aliases inside it. */
  maxYamlAliasCount: 100,
  /** `name`, step `name`, `participant`. */
  maxNameLength: 100,
  /** `action`, `compensation`. */
  maxCommandNameLength: 200,
  maxDescriptionLength: 10_000,
  /** The database stores versions as a 32-bit integer. */
  maxVersion: 2_147_483_647,
  maxSteps: 100,
  /** A step's `timeout`, `backoff` and `maxBackoff` (of `retry` and `compensationRetry`). */
  maxStepDurationMs: 30 * DAY_MS,
  /** The saga's `timeout`. */
  maxSagaTimeoutMs: 365 * DAY_MS,
  maxAttempts: 1_000,
  maxMultiplier: 100,
  /** Deepest nesting of a step's payload template (`{}` is one level); a command embeds it in its envelope. */
  maxPayloadDepth: 32,
} as const;

/** A limit in whole days as `30d (720h)`: a duration in a file has no day unit, so the hours say what to write. */
export function describeDaysLimit(ms: number): string {
  return `${ms / DAY_MS}d (${ms / HOUR_MS}h)`;
}
