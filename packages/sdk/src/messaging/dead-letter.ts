import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { Topology } from '../contracts/topology';
import { UnencodableMessageError, publishConfirmed } from './publish-confirmed';

/** Longest reason kept in `x-saga-error`: a reason quoting a hostile message must not grow with it. */
const MAX_REASON_LENGTH = 1000;

/**
 * Moves a message nobody can process to `sagas.dead-letter`, the reason in header `x-saga-error`. `userId`, when
 * given, is the AMQP `userId` property of the dead letter (RabbitMQ checks it against the connection's user).
 * Headers amqplib decoded but cannot encode again (too large or too deep for its encoder) are left out rather than
 * failing the dead letter.
 */
export async function deadLetter(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  reason: string,
  userId?: string,
): Promise<void> {
  const properties = deadLetterProperties(message, boundedReason(reason), userId);
  try {
    await publishConfirmed(channel, Topology.deadLetterExchange, '', message.content, {
      ...properties,
      headers: { ...(message.properties.headers ?? {}), ...properties.headers },
    });
  } catch (error) {
    if (!(error instanceof UnencodableMessageError)) throw error;
    await publishConfirmed(channel, Topology.deadLetterExchange, '', message.content, {
      ...properties,
      headers: { ...properties.headers, 'x-saga-headers-dropped': cutText(error.message, 200) },
    });
  }
}

export function boundedReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${cutText(reason, MAX_REASON_LENGTH)}…`;
}

/** The first `length` UTF-16 units of a text, without splitting a surrogate pair. */
export function cutText(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function deadLetterProperties(
  message: ConsumeMessage,
  reason: string,
  userId: string | undefined,
): Options.Publish & { headers: object } {
  const properties = message.properties;
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    messageId: properties.messageId as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    type: properties.type as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    ...(userId === undefined ? {} : { userId }),
    headers: {
      [Topology.errorHeader]: reason,
      'x-saga-original-exchange': message.fields.exchange,
      'x-saga-original-routing-key': message.fields.routingKey,
    },
  };
}
