import type { SqlStatement } from './sql';

export interface DeadLetterRow {
  id: string;
  message_id: string | null;
  reason: string;
  original_exchange: string;
  original_routing_key: string;
  properties: Record<string, unknown>;
  /** The whole content, or its first bytes in a listing (`content_bytes` tells the whole size). */
  content: Buffer;
  content_bytes: number;
  received_at: Date;
}

export interface NewDeadLetter {
  messageId: string | null;
  reason: string;
  originalExchange: string;
  originalRoutingKey: string;
  properties: Record<string, unknown>;
  content: Buffer;
}

const COLUMNS = `id, message_id, reason, original_exchange, original_routing_key, properties, received_at,
                 octet_length(content) AS content_bytes`;

export function insertDeadLetter(letter: NewDeadLetter): SqlStatement {
  return {
    text: `INSERT INTO dead_letters (message_id, reason, original_exchange, original_routing_key, properties, content)
           VALUES ($1, $2, $3, $4, $5, $6)`,
    values: [
      letter.messageId,
      letter.reason,
      letter.originalExchange,
      letter.originalRoutingKey,
      JSON.stringify(letter.properties),
      letter.content,
    ],
  };
}

/** Newest first, keyset on id (ids grow with arrival); only the first `previewBytes` of each content. */
export function listDeadLetters(limit: number, beforeId: string | null, previewBytes: number): SqlStatement {
  return {
    text: `SELECT ${COLUMNS}, substring(content FROM 1 FOR $3) AS content FROM dead_letters
           WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $1`,
    values: [limit, beforeId, previewBytes],
  };
}

export function findDeadLetter(id: string): SqlStatement {
  return { text: `SELECT ${COLUMNS}, content FROM dead_letters WHERE id = $1`, values: [id] };
}

export function deleteDeadLetter(id: string): SqlStatement {
  return { text: `DELETE FROM dead_letters WHERE id = $1 RETURNING id`, values: [id] };
}

export function countDeadLetters(): SqlStatement {
  return { text: `SELECT count(*)::int AS count FROM dead_letters`, values: [] };
}
