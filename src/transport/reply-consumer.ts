import type { Channel, ConsumeMessage } from 'amqplib';
import { type Reply, replySchema } from '../contracts/reply';
import { Topology } from '../contracts/topology';
import type { Logger } from '../orchestrator/logger';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { AmqpChannels, AmqpConnection } from './amqp-connection';
import { deadLetter } from '../messaging/dead-letter';

const PREFETCH = 64;
const REDELIVERY_DELAY_MS = 1000;

/** Consumes `sagas.replies`: applies each reply, then acknowledges it; poison messages go to the dead letters. */
export class ReplyConsumer {
  private inFlight = 0;
  private consumerTag: string | null = null;
  private channel: Channel | null = null;

  constructor(
    connection: AmqpConnection,
    private readonly orchestrator: Orchestrator,
    private readonly logger: Logger,
    private readonly onDeadLetter: () => void = () => undefined,
  ) {
    connection.onConnected((channels) => this.consume(channels));
  }

  /** Stops taking replies and waits for those being applied (bounded). */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.channel !== null && this.consumerTag !== null) {
      await this.channel.cancel(this.consumerTag).catch(() => undefined);
    }
    this.consumerTag = null;
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async consume(channels: AmqpChannels): Promise<void> {
    await channels.consume.prefetch(PREFETCH);
    this.channel = channels.consume;
    const { consumerTag } = await channels.consume.consume(
      Topology.repliesQueue,
      (message) => {
        if (message !== null) void this.onMessage(channels, message);
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  private async onMessage(channels: AmqpChannels, message: ConsumeMessage): Promise<void> {
    this.inFlight++;
    try {
      const parsed = parseReply(message.content);
      if (!parsed.ok) {
        return await this.reject(channels, message, parsed.reason);
      }
      const outcome = await this.orchestrator.handleReply(parsed.reply);
      if (outcome === 'unknown-saga') {
        return await this.reject(channels, message, `reply names unknown saga "${parsed.reply.saga_id}"`);
      }
      if (outcome !== 'applied') {
        this.logger.info(`reply ${outcome === 'duplicate' ? 'already applied' : 'ignored'}`, {
          sagaId: parsed.reply.saga_id,
          step: parsed.reply.step,
          messageId: parsed.reply.message_id,
          inReplyTo: parsed.reply.in_reply_to,
        });
      }
      channels.consume.ack(message);
    } catch (error) {
      this.logger.error('could not apply reply; it will be redelivered', {
        messageId: message.properties.messageId as string | undefined,
        error: (error as Error).message,
      });
      setTimeout(() => safely(() => channels.consume.nack(message, false, true)), REDELIVERY_DELAY_MS);
    } finally {
      this.inFlight--;
    }
  }

  private async reject(channels: AmqpChannels, message: ConsumeMessage, reason: string): Promise<void> {
    await deadLetter(channels.publish, message, reason);
    channels.consume.ack(message);
    this.onDeadLetter();
    this.logger.warn('reply dead-lettered', {
      reason,
      messageId: message.properties.messageId as string | undefined,
    });
  }
}

type ParsedReply = { ok: true; reply: Reply } | { ok: false; reason: string };

function parseReply(content: Buffer): ParsedReply {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'reply is not valid JSON' };
  }
  const result = replySchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    return { ok: false, reason: `reply does not match the reply schema: ${problems.join('; ')}` };
  }
  return { ok: true, reply: result.data };
}

/** The channel may have closed meanwhile; the broker then redelivers the message anyway. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    return;
  }
}
