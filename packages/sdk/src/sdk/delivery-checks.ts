import type { ConsumeMessage } from 'amqplib';
import { Topology, commandQueueName } from '../contracts/topology';
import { UNDECODABLE_HEADERS } from '../messaging/harden-amqplib';

/** Where to reply to a delivery, or why it must be dead-lettered without being read. */
export type DeliveryCheck = { ok: true; replyQueue: string } | { ok: false; reason: string };

/**
 * What is checked before a delivery's body is read: amqplib could decode its headers, and its `replyTo` names a
 * queue a reply may go to (none means `sagas.replies`).
 */
export function checkDelivery(message: ConsumeMessage): DeliveryCheck {
  const undecodable = undecodableHeaders(message);
  if (undecodable !== null) return { ok: false, reason: undecodable };
  const replyTo: unknown = message.properties.replyTo;
  if (replyTo === undefined || replyTo === '') return { ok: true, replyQueue: Topology.repliesQueue };
  const refusal = typeof replyTo === 'string' ? refusedReplyQueue(replyTo) : 'it is not a string';
  if (refusal !== null) {
    return { ok: false, reason: `replyTo ${JSON.stringify(replyTo)} is not a queue to reply to: ${refusal}` };
  }
  return { ok: true, replyQueue: replyTo as string };
}

/**
 * Why amqplib could not decode the message's headers (`hardenAmqplib` read it again without them), or null when
 * it could.
 */
export function undecodableHeaders(message: ConsumeMessage): string | null {
  const undecodable: unknown = message.properties.headers?.[UNDECODABLE_HEADERS];
  if (undecodable === undefined) return null;
  return typeof undecodable === 'string' ? undecodable : UNDECODABLE_HEADERS;
}

/**
 * Why a reply must not be published to `queue` through the default exchange, or null. RabbitMQ reserves names
 * starting with `amq.` (it compares that prefix byte for byte): some are pseudo-queues, such as direct reply-to,
 * whose misuse makes the broker close the publishing channel. A command or dead-letter queue would take a reply
 * for something it is not.
 */
function refusedReplyQueue(queue: string): string | null {
  if (queue.startsWith('amq.')) return 'names starting with "amq." are reserved by the broker';
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(queue)) return 'it contains control characters';
  if (queue.startsWith(commandQueueName(''))) return 'it is a command queue';
  if (queue === Topology.deadLetterQueue) return 'it is the dead-letter queue';
  return null;
}
