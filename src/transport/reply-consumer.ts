import type { ConsumeMessage } from 'amqplib';
import {
  type Reply,
  Topology,
  WireLimits,
  parseBoundedJson,
  replySchema,
} from 'saga-orchestrator-sdk/contracts';
import { deadLetter } from 'saga-orchestrator-sdk/internal/messaging/dead-letter';
import { DeliveryStrikes } from 'saga-orchestrator-sdk/internal/messaging/delivery-strikes';
import { UNDECODABLE_HEADERS } from 'saga-orchestrator-sdk/internal/messaging/harden-amqplib';
import type { ReplyApplier, ReplyResult } from '../orchestrator/ports';
import { Batcher } from '../shared/batcher';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type { AmqpChannels, AmqpConnection } from './amqp-connection';

const PREFETCH = 256;
const REDELIVERY_DELAY_MS = 1000;
/** One batch at a time, for the reason given at `START_BATCHES` (orchestrator/saga-starter). */
const BATCHES = { parallel: 1, maxBatch: 128 };

interface QueuedReply {
  channels: AmqpChannels;
  message: ConsumeMessage;
  reply: Reply;
}

export interface ReplyConsumerOptions {
  /** `MAX_REPLY_BYTES`: larger replies are dead-lettered unread. */
  maxReplyBytes: number;
  /** Stores a dead letter without the broker, when publishing it failed; resolves once it is stored. */
  storeDeadLetter(message: ConsumeMessage, reason: string): Promise<void>;
  onDeadLetter?(): void;
}

/**
 * Consumes `sagas.replies`: applies replies in batches (all replies that arrived while the previous batch was
 * being written, one read and one write for the lot), then acknowledges each. Whatever cannot be applied — too
 * large, too deep, not a reply, refused by PostgreSQL, or breaking its channel again and again — is moved to the
 * dead letters with the reason; only a failure of the database itself makes a reply come again.
 */
export class ReplyConsumer {
  /** Invalid replies being dead-lettered. */
  private rejecting = 0;
  private readonly batches: Batcher<QueuedReply>;
  private readonly strikes = new DeliveryStrikes();
  private consumer: { channels: AmqpChannels; tag: string } | null = null;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly applier: ReplyApplier,
    private readonly logger: Logger,
    private readonly options: ReplyConsumerOptions,
  ) {
    this.batches = new Batcher(
      (batch) => this.applyBatch(batch),
      (error) => this.logger.error('could not settle a batch of replies', { error: error.message }),
      BATCHES,
    );
    connection.onChannelsOpen((channels) => this.consume(channels));
    connection.onChannelsLost((channels, connectionUp) => {
      if (this.consumer?.channels !== channels) return;
      this.consumer = null;
      if (connectionUp) this.strikes.channelBroke();
      else this.strikes.connectionLost();
    });
  }

  /** Stops taking replies and waits for those being applied (bounded). */
  async stop(timeoutMs = 5000): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer !== null) await consumer.channels.consume.cancel(consumer.tag).catch(() => undefined);
    const until = Date.now() + timeoutMs;
    while (this.rejecting + this.batches.inFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async consume(channels: AmqpChannels): Promise<void> {
    await channels.consume.prefetch(PREFETCH);
    const { consumerTag } = await channels.consume.consume(
      Topology.repliesQueue,
      (message) => {
        if (message !== null) this.onMessage(channels, message);
      },
      { noAck: false },
    );
    this.consumer = { channels, tag: consumerTag };
  }

  /** Nothing thrown here may reach amqplib: it would close the channel, and the message would come again. */
  private onMessage(channels: AmqpChannels, message: ConsumeMessage): void {
    try {
      const refused = this.strikes.received(message) ?? this.check(message);
      if (typeof refused === 'string') {
        this.reject(channels, message, refused);
        return;
      }
      this.batches.add({ channels, message, reply: refused });
    } catch (error) {
      this.reject(channels, message, `reply could not be handled: ${(error as Error).message}`);
    }
  }

  /** The reply, or why it is refused. */
  private check(message: ConsumeMessage): Reply | string {
    const undecodable = message.properties.headers?.[UNDECODABLE_HEADERS];
    if (undecodable !== undefined) return String(undecodable);
    const parsed = parseBoundedJson(message.content, {
      maxBytes: this.options.maxReplyBytes,
      maxDepth: WireLimits.maxReplyDepth,
      storableText: true,
    });
    if (!parsed.ok) return `reply ${parsed.reason}`;
    const result = replySchema.safeParse(parsed.value);
    if (result.success) return result.data;
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    return `reply does not match the reply schema: ${problems.join('; ')}`;
  }

  private async applyBatch(batch: QueuedReply[]): Promise<void> {
    let results: ReplyResult[];
    try {
      results = await this.applier.apply(
        batch.map(({ reply, message }) => ({ reply, userId: userIdOf(message) })),
      );
    } catch (error) {
      results = batch.map(() => ({ handling: 'failed', error: error as Error, refusedValue: false }));
    }
    this.connection.coalesceWrites();
    for (const [index, queued] of batch.entries()) this.settle(queued, results[index]!);
  }

  private settle({ channels, message, reply }: QueuedReply, result: ReplyResult): void {
    const scope = { sagaId: reply.saga_id, step: reply.step, messageId: reply.message_id };
    switch (result.handling) {
      case 'failed':
        if (result.refusedValue) {
          return this.reject(channels, message, `PostgreSQL refused the reply: ${result.error.message}`);
        }
        this.logger.error('could not apply reply; it will be redelivered', {
          ...scope,
          error: result.error.message,
        });
        return this.giveBack(channels, message);
      case 'refused':
        return this.reject(channels, message, result.reason);
      case 'unknown-saga':
        return this.reject(channels, message, `reply names unknown saga "${reply.saga_id}"`);
      case 'duplicate':
      case 'ignored':
        this.logger.info(`reply ${result.handling === 'duplicate' ? 'already applied' : 'ignored'}`, {
          ...scope,
          inReplyTo: reply.in_reply_to,
        });
        break;
      case 'applied':
        break;
    }
    this.acknowledge(channels, message);
  }

  /**
   * Moves a message to the dead letters: through the broker, else straight into the database (a message the
   * broker will not take back, say); if both fail, it comes again later.
   */
  private reject(channels: AmqpChannels, message: ConsumeMessage, reason: string): void {
    this.rejecting++;
    void deadLetter(channels.publish, message, reason)
      .catch((error: Error) => {
        this.logger.warn('could not publish a dead letter; storing it directly', { error: error.message });
        return this.options.storeDeadLetter(message, reason);
      })
      .then(
        () => {
          this.acknowledge(channels, message);
          this.options.onDeadLetter?.();
          this.logger.warn('reply dead-lettered', { reason, messageId: message.properties.messageId });
        },
        (error: Error) => {
          this.logger.error('could not dead-letter reply; it will be redelivered', { error: error.message });
          this.giveBack(channels, message);
        },
      )
      .finally(() => this.rejecting--);
  }

  private acknowledge(channels: AmqpChannels, message: ConsumeMessage): void {
    this.strikes.settled(message, true);
    safely(() => channels.consume.ack(message));
  }

  private giveBack(channels: AmqpChannels, message: ConsumeMessage): void {
    this.strikes.settled(message, false);
    setTimeout(() => safely(() => channels.consume.nack(message, false, true)), REDELIVERY_DELAY_MS);
  }
}

/** RabbitMQ has checked it against the publishing connection's user. */
function userIdOf(message: ConsumeMessage): string | null {
  const userId: unknown = message.properties.userId;
  return typeof userId === 'string' && userId !== '' ? userId : null;
}

/** The channel may have closed meanwhile; the broker then redelivers the message anyway. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    return;
  }
}
