import type { Channel, ConsumeMessage } from 'amqplib';
import { type Reply, replySchema } from '../contracts/reply';
import { Topology } from '../contracts/topology';
import type { Logger } from '../orchestrator/logger';
import { Batcher } from '../orchestrator/batcher';
import type { Orchestrator, ReplyResult } from '../orchestrator/orchestrator';
import type { AmqpChannels, AmqpConnection } from './amqp-connection';
import { deadLetter } from '../messaging/dead-letter';
import { sqlStateClass } from '../persistence/sql-errors';

const PREFETCH = 256;
const REDELIVERY_DELAY_MS = 1000;
/** One batch at a time, for the reason given at the orchestrator's `START_BATCHES`. */
const BATCHES = { parallel: 1, maxBatch: 128 };

interface QueuedReply {
  channels: AmqpChannels;
  message: ConsumeMessage;
  reply: Reply;
}

/**
 * Consumes `sagas.replies`: applies replies in batches (all replies that arrived while the previous batch was
 * being written, one read and one write for the lot), then acknowledges each; poison messages go to the dead
 * letters.
 */
export class ReplyConsumer {
  /** Invalid replies being dead-lettered. */
  private rejecting = 0;
  private readonly batches: Batcher<QueuedReply>;
  private consumerTag: string | null = null;
  private channel: Channel | null = null;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly orchestrator: Orchestrator,
    private readonly logger: Logger,
    private readonly onDeadLetter: () => void = () => undefined,
  ) {
    this.batches = new Batcher(
      (batch) => this.applyBatch(batch),
      (error) => this.logger.error('could not settle a batch of replies', { error: error.message }),
      BATCHES,
    );
    connection.onConnected((channels) => this.consume(channels));
  }

  /** Stops taking replies and waits for those being applied (bounded). */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.channel !== null && this.consumerTag !== null) {
      await this.channel.cancel(this.consumerTag).catch(() => undefined);
    }
    this.consumerTag = null;
    const until = Date.now() + timeoutMs;
    while (this.rejecting + this.batches.inFlight > 0 && Date.now() < until) {
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

  private onMessage(channels: AmqpChannels, message: ConsumeMessage): void {
    const parsed = parseReply(message.content);
    if (!parsed.ok) {
      this.rejecting++;
      void this.reject(channels, message, parsed.reason)
        .catch((error: Error) => this.logger.error('could not settle a reply', { error: error.message }))
        .finally(() => this.rejecting--);
      return;
    }
    this.batches.add({ channels, message, reply: parsed.reply });
  }

  private async applyBatch(batch: QueuedReply[]): Promise<void> {
    let results: ReplyResult[];
    try {
      results = await this.orchestrator.handleReplies(batch.map((queued) => queued.reply));
    } catch (error) {
      results = batch.map(() => ({ handling: 'failed', error: error as Error }));
    }
    this.connection.coalesceWrites();
    await Promise.all(batch.map((queued, index) => this.settle(queued, results[index]!)));
  }

  private async settle({ channels, message, reply }: QueuedReply, result: ReplyResult): Promise<void> {
    switch (result.handling) {
      case 'failed':
        // SQLSTATE class 22: the reply carries a value PostgreSQL refuses (a NUL character in a string, say).
        if (sqlStateClass(result.error) === '22') {
          return this.reject(channels, message, `PostgreSQL cannot store the reply: ${result.error.message}`);
        }
        this.logger.error('could not apply reply; it will be redelivered', {
          messageId: reply.message_id,
          sagaId: reply.saga_id,
          error: result.error.message,
        });
        setTimeout(() => safely(() => channels.consume.nack(message, false, true)), REDELIVERY_DELAY_MS);
        return;
      case 'unknown-saga':
        return this.reject(channels, message, `reply names unknown saga "${reply.saga_id}"`);
      case 'duplicate':
      case 'ignored':
        this.logger.info(`reply ${result.handling === 'duplicate' ? 'already applied' : 'ignored'}`, {
          sagaId: reply.saga_id,
          step: reply.step,
          messageId: reply.message_id,
          inReplyTo: reply.in_reply_to,
        });
        break;
      case 'applied':
        break;
    }
    safely(() => channels.consume.ack(message));
  }

  /** Moves a message to the dead letters; if that fails, it comes again later. */
  private async reject(channels: AmqpChannels, message: ConsumeMessage, reason: string): Promise<void> {
    const messageId = message.properties.messageId as string | undefined;
    try {
      await deadLetter(channels.publish, message, reason);
    } catch (error) {
      this.logger.error('could not dead-letter reply; it will be redelivered', {
        messageId,
        error: (error as Error).message,
      });
      setTimeout(() => safely(() => channels.consume.nack(message, false, true)), REDELIVERY_DELAY_MS);
      return;
    }
    safely(() => channels.consume.ack(message));
    this.onDeadLetter();
    this.logger.warn('reply dead-lettered', { reason, messageId });
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
