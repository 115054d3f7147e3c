import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Topology } from '../contracts/topology';
import { publishConfirmed } from './publish-confirmed';

/**
 * Moves a message nobody can process to `sagas.dead-letter`, the reason in header `x-saga-error`. `userId`, when
 * given, is the AMQP `userId` property of the dead letter (RabbitMQ checks it against the connection's user).
 */
export function deadLetter(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  reason: string,
  userId?: string,
): Promise<void> {
  const properties = message.properties;
  return publishConfirmed(channel, Topology.deadLetterExchange, '', message.content, {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    messageId: properties.messageId as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    type: properties.type as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    userId,
    headers: {
      ...(properties.headers ?? {}),
      [Topology.errorHeader]: reason,
      'x-saga-original-exchange': message.fields.exchange,
      'x-saga-original-routing-key': message.fields.routingKey,
    },
  });
}
