/** AMQP reply codes the in-process broker closes a channel with, as RabbitMQ does. */
export const ReplyCode = { notFound: 404, preconditionFailed: 406 } as const;
export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

const codeNames: Record<ReplyCode, string> = { 404: 'NOT_FOUND', 406: 'PRECONDITION_FAILED' };

/**
 * What an operation the broker refuses fails with (its channel is closed, as RabbitMQ closes it): the message and
 * `code` read like amqplib's, so callers that look at `code` (404 for a missing queue, 406 for a queue declared
 * with other arguments) behave the same with either broker.
 */
export class InProcessBrokerError extends Error {
  override readonly name = 'InProcessBrokerError';

  constructor(
    readonly code: ReplyCode,
    operation: string,
    detail: string,
  ) {
    super(
      `Operation failed: ${operation}; ${code} (${codeNames[code]}) with message "${codeNames[code]} - ${detail}"`,
    );
  }
}

/** An operation on a channel or connection that is closed (amqplib throws the same). */
export class ChannelClosedError extends Error {
  override readonly name = 'IllegalOperationError';

  constructor(what = 'Channel closed') {
    super(what);
  }
}
