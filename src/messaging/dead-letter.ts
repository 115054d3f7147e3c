import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { Topology } from '../contracts/topology';
import { publishConfirmed } from './publish-confirmed';

/** Longest reason kept in `x-saga-error`: a reason quoting a hostile message must not grow with it. */
const MAX_REASON_LENGTH = 2000;

/**
 * Moves a message nobody can process to `sagas.dead-letter`, the reason in header `x-saga-error`. When the message
 * cannot be published with its own headers (amqplib cannot encode them again, say), it goes without them.
 */
export async function deadLetter(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  reason: string,
): Promise<void> {
  const properties = deadLetterProperties(message, boundedReason(reason));
  try {
    await publishConfirmed(channel, Topology.deadLetterExchange, '', message.content, {
      ...properties,
      headers: { ...(message.properties.headers ?? {}), ...properties.headers },
    });
  } catch (error) {
    await publishConfirmed(channel, Topology.deadLetterExchange, '', message.content, {
      ...properties,
      headers: { ...properties.headers, 'x-saga-headers-dropped': (error as Error).message.slice(0, 200) },
    });
  }
}

export function boundedReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH)}…`;
}

function deadLetterProperties(
  message: ConsumeMessage,
  reason: string,
): Options.Publish & { headers: object } {
  const properties = message.properties;
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    messageId: properties.messageId as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    type: properties.type as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    headers: {
      [Topology.errorHeader]: reason,
      'x-saga-original-exchange': message.fields.exchange,
      'x-saga-original-routing-key': message.fields.routingKey,
    },
  };
}
