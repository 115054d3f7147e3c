import type { SqlStatement } from './sql';

/**
 * Takes rows whose lease ran out (the writer crashed or its publish failed) and leases them anew, as
 * `OutboxMessage`s. SKIP LOCKED lets several engine processes sweep at once without taking the same rows.
 */
export function claimExpiredOutbox(limit: number, leaseMs: number): SqlStatement {
  return {
    text: `UPDATE outbox SET lease_until = now() + make_interval(secs => $2::double precision / 1000),
                             publish_attempts = publish_attempts + 1
           WHERE id IN (SELECT id FROM outbox WHERE lease_until < now()
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id, saga_id AS "sagaId", message_id AS "messageId", exchange, routing_key AS "routingKey",
                     headers, body`,
    values: [limit, leaseMs],
  };
}

export function deleteOutbox(ids: string[]): SqlStatement {
  return { text: `DELETE FROM outbox WHERE id = ANY($1::bigint[])`, values: [ids] };
}

/** Gives rows back for any engine process to publish now. */
export function releaseOutbox(ids: string[]): SqlStatement {
  return { text: `UPDATE outbox SET lease_until = now() WHERE id = ANY($1::bigint[])`, values: [ids] };
}
