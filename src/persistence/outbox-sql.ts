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
