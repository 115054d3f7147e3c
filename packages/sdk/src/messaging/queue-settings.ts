import type { Options } from 'amqplib';
import { Topology } from '../contracts/topology';

/** How every queue of the protocol is declared: `classic` (the default) or `quorum` (replicated across a cluster). */
export const QueueType = { classic: 'classic', quorum: 'quorum' } as const;
export type QueueType = (typeof QueueType)[keyof typeof QueueType];

export type QueueSettings =
  | { type: typeof QueueType.classic }
  | {
      type: typeof QueueType.quorum;
      /** A message given back more than this many times (its consumer died, say) goes to the dead letters. */
      deliveryLimit: number;
    };

export const DEFAULT_DELIVERY_LIMIT = 20;
export const classicQueues: QueueSettings = { type: QueueType.classic };

/**
 * RabbitMQ 3.x reads `x-delivery-limit: -1` as zero and RabbitMQ 4.x reads a missing one as 20, so the dead-letter
 * queue's "no limit" is the largest 32-bit value: its archive gives a message back while it cannot store it (the
 * database is down), and such a message must never be dropped.
 */
const UNLIMITED_DELIVERIES = 2 ** 31 - 1;

/**
 * The `assertQueue` options of a queue of the protocol. Quorum queues get the delivery limit and dead-letter into
 * `sagas.dead-letter`, at least once (which needs `x-overflow: reject-publish`); the dead-letter queue itself
 * cannot dead-letter into itself and has no limit.
 */
export function queueOptions(settings: QueueSettings, queue: string): Options.AssertQueue {
  if (settings.type === QueueType.classic) return { durable: true };
  if (queue === Topology.deadLetterQueue) {
    return {
      durable: true,
      arguments: { 'x-queue-type': QueueType.quorum, 'x-delivery-limit': UNLIMITED_DELIVERIES },
    };
  }
  return {
    durable: true,
    arguments: {
      'x-queue-type': QueueType.quorum,
      'x-delivery-limit': settings.deliveryLimit,
      'x-dead-letter-exchange': Topology.deadLetterExchange,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  };
}

/** The settings in words, for errors and logs: `classic`, `quorum (x-delivery-limit 20)`. */
export function describeQueueSettings(settings: QueueSettings): string {
  return settings.type === QueueType.classic
    ? QueueType.classic
    : `${QueueType.quorum} (x-delivery-limit ${settings.deliveryLimit})`;
}
