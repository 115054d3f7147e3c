import { createHash } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';

export interface DeliveryStrikesOptions {
  /** Strikes after which a message is set aside at its next delivery. Default 2. */
  limit?: number;
  /** Messages remembered at most (oldest forgotten first). Default 10,000. */
  capacity?: number;
}

/**
 * Counts, per message, how often its channel broke while it was being handled, so that a message that keeps
 * breaking its channel is dead-lettered at a later delivery instead of breaking it forever. Classic queues carry
 * no delivery count, so the count lives here, keyed by the message's id and content. Only channels that close
 * while their connection stays up count: a lost connection is the network's fault, not the message's.
 *
 * Costs nothing on the usual path: a fingerprint is computed only for messages in flight when a channel breaks,
 * and for redelivered messages while some message has strikes.
 */
export class DeliveryStrikes {
  private readonly inFlight = new Set<ConsumeMessage>();
  private readonly strikes = new Map<string, number>();
  private readonly limit: number;
  private readonly capacity: number;

  constructor(options: DeliveryStrikesOptions = {}) {
    this.limit = options.limit ?? 2;
    this.capacity = options.capacity ?? 10_000;
  }

  /**
   * A delivery arrived. Returns why it must be dead-lettered without being handled (it reached the limit), or
   * null: then call `settled` once it is acknowledged, rejected or given back.
   */
  received(message: ConsumeMessage): string | null {
    if (message.fields.redelivered && this.strikes.size > 0) {
      const count = this.strikes.get(messageFingerprint(message));
      if (count !== undefined && count >= this.limit) {
        this.strikes.delete(messageFingerprint(message));
        return `its channel closed ${count} times while it was being handled`;
      }
    }
    this.inFlight.add(message);
    return null;
  }

  /** The message was acknowledged or dead-lettered (its strikes are forgotten), or given back on purpose. */
  settled(message: ConsumeMessage, handled: boolean): void {
    this.inFlight.delete(message);
    if (handled && message.fields.redelivered && this.strikes.size > 0) {
      this.strikes.delete(messageFingerprint(message));
    }
  }

  /** The channel closed while its connection stayed up: every message in flight on it gets a strike. */
  channelBroke(): void {
    for (const message of this.inFlight) {
      const key = messageFingerprint(message);
      const count = (this.strikes.get(key) ?? 0) + 1;
      this.strikes.delete(key);
      this.strikes.set(key, count);
      if (this.strikes.size > this.capacity) this.strikes.delete(this.strikes.keys().next().value!);
    }
    this.inFlight.clear();
  }

  /** The channel closed with its connection: the messages in flight come again, with no strike. */
  connectionLost(): void {
    this.inFlight.clear();
  }
}

/** Who a message is, across its deliveries: its id and content (classic queues carry no delivery count). */
export function messageFingerprint(message: ConsumeMessage): string {
  const id = typeof message.properties.messageId === 'string' ? message.properties.messageId : '';
  return createHash('sha256').update(id).update('\0').update(message.content).digest('base64');
}
