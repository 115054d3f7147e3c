import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Reply } from '../contracts/reply';
import { publishConfirmed } from '../messaging/publish-confirmed';

/** W3C trace context headers copied from a command onto its reply (docs/wire-protocol.md). */
const traceHeaders = ['traceparent', 'tracestate'] as const;

/**
 * Longest trace header copied, in bytes: far more than W3C trace context needs, and small enough that a hostile
 * one cannot make a reply's headers too large for amqplib to encode.
 */
const maxTraceHeaderBytes = 4096;

/** Where the replies to one command go, and what they carry besides their body. */
export interface ReplyRoute {
  /** The command's `replyTo` queue, reached through the default exchange. */
  queue: string;
  /** AMQP `userId` of every reply, or null for none. */
  userId: string | null;
  headers: Record<string, string>;
}

export function replyRoute(command: ConsumeMessage, queue: string, userId: string | null): ReplyRoute {
  return { queue, userId, headers: pickTraceHeaders(command.properties.headers) };
}

/** Publishes a reply (its JSON already encoded in `body`) and resolves once the broker confirmed it. */
export function publishReply(
  channel: ConfirmChannel,
  route: ReplyRoute,
  reply: Reply,
  body: Buffer,
): Promise<void> {
  return publishConfirmed(channel, '', route.queue, body, {
    persistent: true,
    contentType: 'application/json',
    messageId: reply.message_id,
    correlationId: reply.in_reply_to,
    userId: route.userId ?? undefined,
    headers: route.headers,
  });
}

function pickTraceHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of traceHeaders) {
    const raw = headers?.[name];
    const value = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
    if (typeof value === 'string' && Buffer.byteLength(value) <= maxTraceHeaderBytes) picked[name] = value;
  }
  return picked;
}
