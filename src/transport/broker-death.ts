/** Where and why the broker itself dead-lettered a message (a quorum queue's delivery limit, say). */
export interface BrokerDeath {
  /** As the broker gives it: `delivery_limit`, `rejected`, `expired`, `maxlen`. */
  reason: string;
  queue: string;
  exchange: string;
  routingKey: string;
}

/** Headers the broker adds when it dead-letters a message, dropped when it is published again. */
export const BROKER_DEATH_HEADERS = [
  'x-death',
  'x-first-death-reason',
  'x-first-death-queue',
  'x-first-death-exchange',
  'x-last-death-reason',
  'x-last-death-queue',
  'x-last-death-exchange',
  'x-delivery-count',
];

/**
 * The first death the broker recorded on a message (`x-first-death-*`, and the routing key from its `x-death`
 * entry), or null when the broker did not dead-letter it.
 */
export function brokerDeathOf(headers: Record<string, unknown>): BrokerDeath | null {
  const reason = headers['x-first-death-reason'];
  if (typeof reason !== 'string' && !Buffer.isBuffer(reason)) return null;
  const queue = text(headers['x-first-death-queue']);
  const exchange = text(headers['x-first-death-exchange']);
  const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as unknown[]) : [];
  const first = deaths.find(
    (death) =>
      typeof death === 'object' && death !== null && text((death as Record<string, unknown>).queue) === queue,
  ) as Record<string, unknown> | undefined;
  const routingKeys = first?.['routing-keys'];
  const routingKey = Array.isArray(routingKeys) ? text(routingKeys[0]) : '';
  return { reason: text(reason), queue, exchange, routingKey };
}

/** The reason a dead letter shows for a broker death: the broker's own word first. */
export function brokerDeathReason(death: BrokerDeath): string {
  return `${death.reason} (dead-lettered by the broker from queue ${death.queue})`;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return '';
}
