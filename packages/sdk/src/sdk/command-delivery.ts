import type { ConsumeMessage } from 'amqplib';
import type { Reply } from '../contracts/reply';
import { coalesceWrites } from '../messaging/coalesce-writes';
import { UnencodableMessageError } from '../messaging/publish-confirmed';
import type { Logger } from '../shared/logger';
import { type CommandEnvironment, handleCommand } from './command-handling';
import { traceCommand, traceDeadLetter, traceReply } from './command-tracing';
import { checkDelivery } from './delivery-checks';
import type { ConsumedDelivery, DeliveryChannel, Settlement } from './delivery-handler';
import { type ReplyRoute, publishReply, replyRoute } from './publish';
import { boundReply } from './reply-bounds';

export interface CommandDeliveryEnvironment {
  commands: CommandEnvironment;
  logger: Logger;
  maxReplyBytes: number;
  /** AMQP `userId` of every reply, or null. */
  userId: string | null;
}

/**
 * A participant's handling of one delivered command: it is answered with a reply (or progress reports, then a
 * reply), or dead-lettered when it cannot be read as a command; either way it is then done with.
 */
export class CommandDelivery {
  constructor(private readonly env: CommandDeliveryEnvironment) {}

  readonly handle = async ({ on, message, deadLetter }: ConsumedDelivery): Promise<Settlement> => {
    const check = checkDelivery(message);
    if (!check.ok) {
      await deadLetter(check.reason);
      return 'done';
    }
    const route = replyRoute(message, check.replyQueue, this.env.userId);
    return traceCommand(message, route.headers, () => this.answer(on, message, route, deadLetter));
  };

  private async answer(
    on: DeliveryChannel,
    message: ConsumeMessage,
    route: ReplyRoute,
    deadLetter: ConsumedDelivery['deadLetter'],
  ): Promise<Settlement> {
    const outcome = await handleCommand(
      {
        content: message.content,
        headers: message.properties.headers ?? {},
        sendProgressReport: (progress) => this.publish(on, route, progress),
      },
      this.env.commands,
    );
    if (outcome.kind === 'dead-letter') {
      traceDeadLetter(outcome.reason);
      await deadLetter(outcome.reason);
      return 'done';
    }
    traceReply(outcome.reply);
    try {
      await this.publish(on, route, outcome.reply);
    } catch (error) {
      if (!(error instanceof UnencodableMessageError)) throw error;
      await deadLetter(`its reply cannot be published: ${error.message}`);
    }
    return 'done';
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
}
