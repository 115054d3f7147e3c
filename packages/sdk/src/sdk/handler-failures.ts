import type { ConsumeMessage } from 'amqplib';
import { messageFingerprint } from '../messaging/delivery-strikes';

/**
 * Counts, per message, how often a subscriber's handler failed on it in this process, so that an event the
 * handler can never take is set aside after a bounded number of tries instead of coming back forever. Keyed like
 * the delivery strikes (classic queues carry no delivery count); the oldest counts are forgotten beyond
 * `capacity`.
 *
 * Costs nothing on the usual path: a fingerprint is computed only for redelivered messages while some message
 * has failed.
 */
export class HandlerFailures {
  private readonly failures = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Which run of the handler on this message the next one is: 1, or one more than its failures. */
  attemptOf(message: ConsumeMessage): number {
    if (!message.fields.redelivered || this.failures.size === 0) return 1;
    return (this.failures.get(messageFingerprint(message)) ?? 0) + 1;
  }

  /** The handler failed on the message: returns how many times it has, in this process. */
  failed(message: ConsumeMessage): number {
    const key = messageFingerprint(message);
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.delete(key);
    this.failures.set(key, count);
    if (this.failures.size > this.capacity) this.failures.delete(this.failures.keys().next().value!);
    return count;
  }

  /** The message was handled or set aside: its count goes. */
  forget(message: ConsumeMessage): void {
    if (this.failures.size > 0) this.failures.delete(messageFingerprint(message));
  }
}
