/**
 * Errors a command handler throws to choose the failure reply (docs/wire-protocol.md). Any other exception becomes a
 * retryable failure with code `HANDLER_ERROR`.
 */
export abstract class ParticipantError extends Error {
  /** Whether the engine may retry the command (`error.retryable` in the reply). */
  abstract readonly retryable: boolean;

  /** `code` is stable and machine-readable (e.g. `OUT_OF_STOCK`); `message` is for people. */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The command can never succeed as sent (e.g. out of stock): the engine compensates without retrying. */
export class BusinessError extends ParticipantError {
  override readonly name = 'BusinessError';
  readonly retryable = false;
}

/** A transient failure (e.g. a downstream service unavailable): the engine retries while attempts remain. */
export class RetryableError extends ParticipantError {
  override readonly name = 'RetryableError';
  readonly retryable = true;
}

/** `createParticipant` was given options it cannot work with. */
export class ParticipantOptionsError extends Error {
  override readonly name = 'ParticipantOptionsError';
}

/** `subscribe` was given options it cannot work with. */
export class SubscriberOptionsError extends Error {
  override readonly name = 'SubscriberOptionsError';
}
