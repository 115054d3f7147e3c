import type { JsonObject } from '../contracts/json';
import type { SqlStatement } from './sql';

export interface OutboxRow {
  id: string;
  saga_id: string;
  message_id: string;
  exchange: string;
  routing_key: string;
  headers: Record<string, string>;
  body: JsonObject;
}

export interface NewOutboxMessage {
  sagaId: string;
  messageId: string;
  exchange: string;
  routingKey: string;
  headers: Record<string, string>;
  body: JsonObject;
}

/** Inserted leased to the writing instance, which publishes right after commit. */
export function insertOutbox(messages: NewOutboxMessage[], leaseMs: number): SqlStatement {
  return {
    text: `INSERT INTO outbox (saga_id, message_id, exchange, routing_key, headers, body, lease_until)
           SELECT m."sagaId", m."messageId", m.exchange, m."routingKey", m.headers, m.body,
                  now() + make_interval(secs => $2::double precision / 1000)
           FROM jsonb_to_recordset($1::jsonb)
             AS m("sagaId" uuid, "messageId" text, exchange text, "routingKey" text, headers jsonb, body jsonb)
           RETURNING id, saga_id, message_id, exchange, routing_key, headers, body`,
    values: [JSON.stringify(messages), leaseMs],
  };
}

/**
 * Takes rows whose lease ran out (the writer crashed or its publish failed) and leases them anew.
 * SKIP LOCKED lets several instances sweep at once without taking the same rows.
 */
export function claimExpiredOutbox(limit: number, leaseMs: number): SqlStatement {
  return {
    text: `UPDATE outbox SET lease_until = now() + make_interval(secs => $2::double precision / 1000),
                             publish_attempts = publish_attempts + 1
           WHERE id IN (SELECT id FROM outbox WHERE lease_until < now()
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id, saga_id, message_id, exchange, routing_key, headers, body`,
    values: [limit, leaseMs],
  };
}

export function deleteOutbox(ids: string[]): SqlStatement {
  return { text: `DELETE FROM outbox WHERE id = ANY($1::bigint[])`, values: [ids] };
}

/** Gives rows back for any instance to publish now. */
export function releaseOutbox(ids: string[]): SqlStatement {
  return { text: `UPDATE outbox SET lease_until = now() WHERE id = ANY($1::bigint[])`, values: [ids] };
}
