import { type ConfirmChannel, IllegalOperationError, type Options } from 'amqplib';

/**
 * amqplib refused to encode the message (a property too long, headers too large or too deep for its encoder):
 * it can never be published as it is, unlike a message refused because the channel closed.
 */
export class UnencodableMessageError extends Error {
  override readonly name = 'UnencodableMessageError';

  constructor(cause: unknown) {
    super(`the message cannot be encoded: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/**
 * Publishes and resolves once the broker has confirmed (persisted) the message. Rejects with
 * `UnencodableMessageError` when amqplib cannot encode it, with amqplib's error otherwise.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, options, (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    } catch (error) {
      if (error instanceof IllegalOperationError) reject(error);
      else reject(new UnencodableMessageError(error));
    }
  });
}
