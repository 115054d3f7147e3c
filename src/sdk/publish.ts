import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Reply } from '../contracts/reply';
import { Topology } from '../contracts/topology';
import { publishConfirmed } from '../messaging/publish-confirmed';

/** W3C trace context headers copied from a command onto its reply (CONTRACT §3). */
const traceHeaders = ['traceparent', 'tracestate'] as const;

/**
 * Sends the reply to the queue the command names in `replyTo` (through the default exchange), or to
 * `sagas.replies` when it names none.
 */
export function publishReply(channel: ConfirmChannel, command: ConsumeMessage, reply: Reply): Promise<void> {
  const replyTo: unknown = command.properties.replyTo;
  const queue = typeof replyTo === 'string' && replyTo !== '' ? replyTo : Topology.repliesQueue;
  return publishConfirmed(channel, '', queue, Buffer.from(JSON.stringify(reply)), {
    persistent: true,
    contentType: 'application/json',
    messageId: reply.message_id,
    correlationId: reply.in_reply_to,
    headers: pickTraceHeaders(command.properties.headers),
  });
}

function pickTraceHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of traceHeaders) {
    const value = headers?.[name];
    if (typeof value === 'string') picked[name] = value;
    else if (Buffer.isBuffer(value)) picked[name] = value.toString('utf8');
  }
  return picked;
}
