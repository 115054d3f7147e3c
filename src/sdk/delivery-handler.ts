import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Reply } from '../contracts/reply';
import { coalesceWrites } from '../messaging/coalesce-writes';
import { boundedReason, deadLetter } from '../messaging/dead-letter';
import type { DeliveryStrikes } from '../messaging/delivery-strikes';
import { UnencodableMessageError } from '../messaging/publish-confirmed';
import { checkDelivery } from './delivery-checks';
import { type CommandEnvironment, handleCommand } from './command-handling';
import type { Logger } from '../shared/logger';
import { type ReplyRoute, publishReply, replyRoute } from './publish';
import { boundReply } from './reply-bounds';

export interface DeliveryHandlerEnvironment {
  commands: CommandEnvironment;
  logger: Logger;
  strikes: DeliveryStrikes;
  maxReplyBytes: number;
  /** AMQP `userId` of every message published, or null. */
  userId: string | null;
  /** True once the participant is stopping: new deliveries are given back. */
  stopping(): boolean;
}

/** The channel a delivery came on, and the connection it belongs to (whose writes are coalesced). */
export interface DeliveryChannel {
  model: ChannelModel;
  channel: ConfirmChannel;
}

/** Longest `x-saga-error` written: a reason is for people, and a dead letter's headers must stay encodable. */

/**
 * Handles the deliveries of a participant's consumer: each is answered (or dead-lettered) and acknowledged once
 * that is confirmed; it is given back only when that publish failed for a reason outside the message.
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
      this.track(this.refuse(on, message, `the participant failed to receive it: ${errorMessage(error)}`));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Dead-letters a message without handling it, then acknowledges it. */
  private async refuse(on: DeliveryChannel, message: ConsumeMessage, reason: string): Promise<void> {
    await this.settleAfter(on, message, () => this.deadLetter(on, message, reason));
  }

  private async process(on: DeliveryChannel, message: ConsumeMessage): Promise<void> {
    await this.settleAfter(on, message, async () => {
      const check = checkDelivery(message);
      if (!check.ok) return this.deadLetter(on, message, check.reason);
      const route = replyRoute(message, check.replyQueue, this.env.userId);
      const outcome = await handleCommand(
        {
          content: message.content,
          headers: message.properties.headers ?? {},
          sendProgressReport: (progress) => this.publish(on, route, progress),
        },
        this.env.commands,
      );
      if (outcome.kind === 'dead-letter') return this.deadLetter(on, message, outcome.reason);
      try {
        await this.publish(on, route, outcome.reply);
      } catch (error) {
        if (!(error instanceof UnencodableMessageError)) throw error;
        await this.deadLetter(on, message, `its reply cannot be published: ${error.message}`);
      }
    });
  }

  /**
   * Acknowledges the message once `publish` (its reply or dead letter) is confirmed. When that publish fails the
   * message is given back to the queue — or, if the channel is gone, the broker redelivers it anyway — unless
   * it can never be published: then it is dropped, with an error logged, rather than delivered forever.
   */
  private async settleAfter(
    on: DeliveryChannel,
    message: ConsumeMessage,
    publish: () => Promise<void>,
  ): Promise<void> {
    try {
      await publish();
      // When the channel is already closed the message stays in flight for the strikes, which hear of it next.
      if (settle(() => on.channel.ack(message))) this.env.strikes.settled(message, true);
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

  private publish(on: DeliveryChannel, route: ReplyRoute, reply: Reply): Promise<void> {
    const bounded = boundReply(reply, this.env.maxReplyBytes);
    if (bounded.refused !== null) {
      this.env.logger.error('reply replaced by an OUTPUT_TOO_LARGE failure', {
        sagaId: reply.saga_id,
        step: reply.step,
        inReplyTo: reply.in_reply_to,
        error: bounded.refused,
      });
    }
    const published = publishReply(on.channel, route, bounded.reply, bounded.body);
    coalesceWrites(on.model);
    return published;
  }

  /** Moves the message to `sagas.dead-letter`, stamped with this participant's broker user when asked. */
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
