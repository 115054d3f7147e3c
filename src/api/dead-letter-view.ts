import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { DeadLetterRow } from '../persistence/dead-letter-sql';
import type { DeadLetter } from './responses/dead-letters';

/**
 * Content is shown as text when it is valid UTF-8, else as base64. In a listing it may be the start of the message
 * only: `truncated` says so, `contentBytes` gives the whole size.
 */
export function deadLetterView(row: DeadLetterRow): DeadLetter {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(row.content);
  const isText = Buffer.from(text, 'utf8').equals(row.content);
  return {
    id: row.id,
    messageId: row.message_id,
    reason: row.reason,
    originalExchange: row.original_exchange,
    originalRoutingKey: row.original_routing_key,
    receivedAt: row.received_at.toISOString(),
    contentType: (row.properties.contentType as string | undefined) ?? null,
    encoding: isText ? 'utf8' : 'base64',
    content: isText ? text : row.content.toString('base64'),
    contentBytes: row.content_bytes,
    truncated: row.content.length < row.content_bytes,
    // Stored as JSON when the message was archived, so JSON is what comes back.
    headers: (row.properties.headers as JsonObject | undefined) ?? {},
  };
}
