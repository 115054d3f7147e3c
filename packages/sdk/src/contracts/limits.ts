/** Bounds on what crosses the wire (docs/wire-protocol.md); the engine, the SDK and any participant can rely on them. */
export const WireLimits = {
  /**
   * Longest string id, in UTF-16 code units: a reply's `message_id`, `in_reply_to`, `saga_id`, `step` and
   * `error.code`; a command's `message_id`, `type`, `saga.id`, `saga.name`, `step`, `idempotency_key`,
   * `correlation_id` and `causation_id`.
   */
  maxIdLength: 200,
  /** Deepest nesting of arrays and objects in a reply, counted from its root (`{}` is one level). */
  maxReplyDepth: 64,
  /** Default of `MAX_REPLY_BYTES`: the largest reply the engine takes. */
  maxReplyBytes: 1_048_576,
} as const;
