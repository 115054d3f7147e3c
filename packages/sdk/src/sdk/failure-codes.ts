/** The `error.code` of the failures the SDK itself replies. */
export const FailureCode = {
  /** No handler for the command's `type` (not retryable). */
  unknownCommand: 'UNKNOWN_COMMAND',
  /** The payload does not match the handler's schema; the message names every failing field (not retryable). */
  invalidPayload: 'INVALID_PAYLOAD',
  /** The handler threw something other than a `ParticipantError` (retryable). */
  handlerError: 'HANDLER_ERROR',
  /** The handler returned something other than a JSON object (not retryable). */
  invalidOutput: 'INVALID_OUTPUT',
  /** The idempotency store could not be read, so the command was not handled (retryable). */
  idempotencyStoreError: 'IDEMPOTENCY_STORE_ERROR',
  /**
   * The reply would be larger than `maxReplyBytes` or nested deeper than the engine reads (not retryable: the
   * handler would produce the same output again).
   */
  outputTooLarge: 'OUTPUT_TOO_LARGE',
  /**
   * The action arrived after its step's compensation had been handled without the action ever running (a
   * redelivery or a late attempt overtaken by the compensation): the idempotency store holds a tombstone for it,
   * and the handler is not run (not retryable).
   */
  compensatedBeforeAction: 'COMPENSATED_BEFORE_ACTION',
} as const;
