import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { coalesceWrites } from '../messaging/coalesce-writes';
import { boundedReason, deadLetter } from '../messaging/dead-letter';
import type { DeliveryStrikes } from '../messaging/delivery-strikes';
import { UnencodableMessageError } from '../messaging/publish-confirmed';
import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';

/** The channel a delivery came on, and the connection it belongs to (whose writes are coalesced). */
export interface DeliveryChannel {
  model: ChannelModel;
  channel: ConfirmChannel;
}

/** What became of a delivery: done with (it is acknowledged), or to come again (it is given back to its queue). */
export type Settlement = 'done' | 'again';

/** A delivery to handle, and the way to set it aside. */
export interface ConsumedDelivery {
  on: DeliveryChannel;
  message: ConsumeMessage;
  /** Moves the message to `sagas.dead-letter` with the reason; resolves once the broker confirmed it. */
  deadLetter(reason: string): Promise<void>;
}

export interface DeliveryHandlerEnvironment {
  logger: Logger;
  strikes: DeliveryStrikes;
  /** AMQP `userId` of every message published, or null. */
  userId: string | null;
  /** True once the consumer is stopping: new deliveries are given back. */
  stopping(): boolean;
  /**
   * Handles one delivery. A rejection means what it published (an answer, a dead letter) was not confirmed: the
   * message comes again, unless it can never be published.
   */
  handle(delivery: ConsumedDelivery): Promise<Settlement>;
}

/**
 * Handles the deliveries of a consumer — a participant's commands, a subscriber's events: each is handled (or
 * dead-lettered) and acknowledged once that is done; it is given back when its handling says so, or when what it
 * published failed for a reason outside the message.
 */
export class DeliveryHandler {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly env: DeliveryHandlerEnvironment) {}

  /** Resolves once every delivery being handled is settled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /**
   * Called by amqplib for each delivery. Never throws: an exception escaping into amqplib would close the channel
   * and the message would come again, and again.
   */
  deliver(on: DeliveryChannel, message: ConsumeMessage): void {
    try {
      if (this.env.stopping()) {
        settle(() => on.channel.nack(message, false, true));
        return;
      }
      const setAside = this.env.strikes.received(message);
      this.track(
        setAside === null
          ? this.process(on, message)
          : this.refuse(on, message, `set aside unread: ${setAside}`),
      );
    } catch (error) {
      this.track(this.refuse(on, message, `the consumer failed to receive it: ${errorMessage(error)}`));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Dead-letters a message without handling it, then acknowledges it. */
  private async refuse(on: DeliveryChannel, message: ConsumeMessage, reason: string): Promise<void> {
    await this.settleAfter(on, message, async () => {
      await this.deadLetter(on, message, reason);
      return 'done';
    });
  }

  private async process(on: DeliveryChannel, message: ConsumeMessage): Promise<void> {
    const delivery: ConsumedDelivery = {
      on,
      message,
      deadLetter: (reason) => this.deadLetter(on, message, reason),
    };
    await this.settleAfter(on, message, () => this.env.handle(delivery));
  }

  /**
   * Acknowledges the message once `handle` is done with it, or gives it back when it asks to see it again. When
   * what it published fails the message is given back to the queue — or, if the channel is gone, the broker
   * redelivers it anyway — unless it can never be published: then it is dropped, with an error logged, rather
   * than delivered forever.
   */
  private async settleAfter(
    on: DeliveryChannel,
    message: ConsumeMessage,
    handle: () => Promise<Settlement>,
  ): Promise<void> {
    try {
      const settlement = await handle();
      // When the channel is already closed the message stays in flight for the strikes, which hear of it next.
      if (settlement === 'done') {
        if (settle(() => on.channel.ack(message))) this.env.strikes.settled(message, true);
      } else if (settle(() => on.channel.nack(message, false, true))) {
        this.env.strikes.settled(message, false);
      }
      coalesceWrites(on.model);
    } catch (error) {
      const unpublishable = error instanceof UnencodableMessageError;
      this.env.logger.error(
        unpublishable
          ? 'neither a reply nor a dead letter could be encoded; the message is dropped'
          : 'reply or dead letter not confirmed; the message will be delivered again',
        { messageId: message.properties.messageId, error: errorMessage(error) },
      );
      if (settle(() => on.channel.nack(message, false, !unpublishable)))
        this.env.strikes.settled(message, false);
    }
  }

  /** Moves the message to `sagas.dead-letter`, stamped with the consumer's broker user when asked. */
  private async deadLetter(on: DeliveryChannel, message: ConsumeMessage, reason: string): Promise<void> {
    const cut = boundedReason(reason);
    this.env.logger.warn('message moved to the dead-letter queue', {
      messageId: message.properties.messageId,
      reason: cut,
    });
    const published = deadLetter(on.channel, message, cut, this.env.userId ?? undefined);
    coalesceWrites(on.model);
    await published;
  }
}

/**
 * Acks and nacks throw once their channel is closed; the broker then redelivers by itself. False when it threw.
 */
function settle(operation: () => void): boolean {
  try {
    operation();
    return true;
  } catch {
    return false;
  }
}
