import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { DataSource } from 'typeorm';
import { Topology, commandQueueName, storableTextOf } from 'saga-orchestrator-sdk/contracts';
import { DependencyUnavailableError, SagaEngineError } from '../core/errors';
import { boundedReason } from 'saga-orchestrator-sdk/internal/messaging/dead-letter';
import { DeliveryStrikes } from 'saga-orchestrator-sdk/internal/messaging/delivery-strikes';
import { publishConfirmed } from 'saga-orchestrator-sdk/internal/messaging/publish-confirmed';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import {
  type DeadLetterRow,
  type NewDeadLetter,
  deleteDeadLetter,
  findDeadLetter,
  insertDeadLetter,
  listDeadLetters,
} from '../persistence/dead-letter-sql';
import { runQuery } from '../persistence/sql';
import { isRefusedValue } from '../persistence/sql-errors';
import type { AmqpChannels, AmqpConnection } from './amqp-connection';
import { BROKER_DEATH_HEADERS, brokerDeathOf, brokerDeathReason } from './broker-death';

const RETRY_DELAY_MS = 1000;
/** Headers about the message's death, not part of it: dropped when it is replayed. */
const DEATH_HEADERS = [
  Topology.errorHeader,
  'x-saga-original-exchange',
  'x-saga-original-routing-key',
  ...BROKER_DEATH_HEADERS,
];
const DEAD_LETTER_ID = /^\d{1,18}$/;
const PARTICIPANT = /^[a-z0-9-]{1,100}$/;
/**
 * A dead letter keeps at most this much of its content (the broker may carry far larger messages); what is cut is
 * said in its reason. Nothing the engine dead-letters itself comes near it (replies stop at MAX_REPLY_BYTES).
 */
export const MAX_DEAD_LETTER_BYTES = 16 * 1024 * 1024;
/** Of a listing's messages only the start of each is sent; `GET /api/dead-letters/{id}` gives it whole. */
export const DEAD_LETTER_PREVIEW_BYTES = 4096;

/** A dead letter can only go back where saga messages go; anywhere else it would be a way to publish anything. */
export class DeadLetterNotReplayableError extends SagaEngineError {
  readonly code = 'DEAD_LETTER_NOT_REPLAYABLE';
}

/**
 * Drains `sagas.dead-letter` — from the engine, the SDK or any participant — into the `dead_letters` table, where
 * operators list them and replay or delete each one. A message is acknowledged only once it is stored.
 */
export class DeadLetterArchive {
  private readonly strikes = new DeliveryStrikes();
  private consumeChannel: Channel | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
  ) {
    connection.onChannelsOpen((channels) => this.consume(channels));
    connection.onChannelsLost((channels, connectionUp) => {
      if (channels.consume !== this.consumeChannel) return;
      if (connectionUp) this.strikes.channelBroke();
      else this.strikes.connectionLost();
    });
  }

  list(limit: number, beforeId: string | null): Promise<DeadLetterRow[]> {
    return runQuery<DeadLetterRow>(
      this.dataSource,
      listDeadLetters(limit, beforeId, DEAD_LETTER_PREVIEW_BYTES),
    ).then((r) => r.rows);
  }

  async find(id: string): Promise<DeadLetterRow | null> {
    if (!DEAD_LETTER_ID.test(id)) return null;
    return (await runQuery<DeadLetterRow>(this.dataSource, findDeadLetter(id))).rows[0] ?? null;
  }

  /**
   * Publishes the message again where it first went (with confirm), then forgets it. Only to the saga topology:
   * `sagas.commands` with a participant's routing key, or the `sagas.replies` queue; and only when that queue
   * exists, asked first so that a missing one cannot close the engine's publishing channel.
   */
  async replay(letter: DeadLetterRow): Promise<void> {
    const queue = replayQueue(letter);
    if (queue === null) {
      throw new DeadLetterNotReplayableError(
        `dead letter ${letter.id} came from exchange "${letter.original_exchange}" with routing key ` +
          `"${letter.original_routing_key}": only messages to ${Topology.commandsExchange} or ` +
          `${Topology.repliesQueue} can be replayed`,
      );
    }
    const exists = await this.connection.checkQueue(queue);
    if (exists === null) throw new DependencyUnavailableError('the broker is unreachable; retry later');
    if (exists === false) {
      throw new DeadLetterNotReplayableError(
        `dead letter ${letter.id} cannot be replayed: queue ${queue} does not exist`,
      );
    }
    const channel = this.connection.current?.publish;
    if (channel === undefined) throw new DependencyUnavailableError('the broker is unreachable; retry later');
    await publishConfirmed(
      channel,
      letter.original_exchange,
      letter.original_routing_key,
      letter.content,
      replayProperties(letter),
    );
    await runQuery(this.dataSource, deleteDeadLetter(letter.id));
  }

  async delete(id: string): Promise<boolean> {
    if (!DEAD_LETTER_ID.test(id)) return false;
    return (await runQuery(this.dataSource, deleteDeadLetter(id))).rowCount > 0;
  }

  /** Stores a message as a dead letter without the broker (when publishing it to the dead letters failed). */
  async storeDirectly(message: ConsumeMessage, reason: string): Promise<void> {
    const letter = storableLetter(message, {
      reason,
      originalExchange: message.fields.exchange,
      originalRoutingKey: message.fields.routingKey,
    });
    await runQuery(this.dataSource, insertDeadLetter(letter));
  }

  private async consume(channels: AmqpChannels): Promise<void> {
    this.consumeChannel = channels.consume;
    await channels.consume.consume(
      Topology.deadLetterQueue,
      (message) => {
        if (message !== null) void this.store(channels.consume, message);
      },
      { noAck: false },
    );
  }

  private async store(channel: Channel, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers ?? {};
    const struck = this.strikes.received(message);
    // A consumer that dead-letters says why in x-saga-error; a quorum queue the broker empties says so in x-death.
    const death = headers[Topology.errorHeader] === undefined ? brokerDeathOf(headers) : null;
    const letter = storableLetter(message, {
      reason: String(
        struck ??
          headers[Topology.errorHeader] ??
          (death === null ? 'no reason given' : brokerDeathReason(death)),
      ),
      originalExchange: String(headers['x-saga-original-exchange'] ?? death?.exchange ?? ''),
      originalRoutingKey: String(headers['x-saga-original-routing-key'] ?? death?.routingKey ?? ''),
    });
    try {
      await runQuery(this.dataSource, insertDeadLetter(letter)).catch((error: unknown) => {
        if (!isRefusedValue(error)) throw error;
        // Properties PostgreSQL will not take (a NUL in a header name, say) must not keep the message out.
        const properties = { propertiesDropped: (error as Error).message };
        return runQuery(this.dataSource, insertDeadLetter({ ...letter, properties }));
      });
      this.strikes.settled(message, true);
      channel.ack(message);
    } catch (error) {
      this.strikes.settled(message, false);
      this.logger.warn('could not store a dead letter; it stays in the queue', {
        error: (error as Error).message,
      });
      setTimeout(() => {
        try {
          channel.nack(message, false, true);
        } catch {
          return; // the channel closed: the broker redelivers it anyway
        }
      }, RETRY_DELAY_MS);
    }
  }
}

/** Where a replay goes, as a queue that must exist; null when the letter did not come from the saga topology. */
function replayQueue(letter: DeadLetterRow): string | null {
  const { original_exchange: exchange, original_routing_key: routingKey } = letter;
  if (exchange === Topology.commandsExchange && PARTICIPANT.test(routingKey))
    return commandQueueName(routingKey);
  if (exchange === '' && routingKey === Topology.repliesQueue) return Topology.repliesQueue;
  return null;
}

/**
 * The message's properties as published again: the engine's own headers go, and so do `userId` (RabbitMQ takes
 * only the publishing connection's user) and `expiration` (the message would be dropped on arrival).
 */
function replayProperties(letter: DeadLetterRow): Options.Publish {
  const { userId: _userId, expiration: _expiration, headers: stored, ...properties } = letter.properties;
  const headers = { ...((stored as Record<string, unknown> | undefined) ?? {}) };
  for (const name of DEATH_HEADERS) delete headers[name];
  return { ...properties, headers: { ...headers, 'x-saga-replayed-from': letter.id } } as Options.Publish;
}

/**
 * A dead letter as PostgreSQL will take it: any message may carry U+0000 in its id or headers, and a reason may
 * quote it, but text and jsonb cannot hold it. Header values that are not JSON (a buffer, say) are stored as their
 * JSON form.
 */
function storableLetter(
  message: ConsumeMessage,
  origin: { reason: string; originalExchange: string; originalRoutingKey: string },
): NewDeadLetter {
  const messageId = message.properties.messageId as unknown;
  const properties = JSON.stringify({ ...message.properties }, (_key, value: unknown) =>
    typeof value === 'string' ? storableTextOf(value) : value,
  );
  const { content } = message;
  const cut = content.length > MAX_DEAD_LETTER_BYTES;
  const reason = cut
    ? `${boundedReason(origin.reason)} (content cut to its first ${MAX_DEAD_LETTER_BYTES} of ${content.length} bytes)`
    : boundedReason(origin.reason);
  return {
    messageId: typeof messageId === 'string' ? storableTextOf(messageId) : null,
    reason: storableTextOf(reason),
    originalExchange: storableTextOf(origin.originalExchange),
    originalRoutingKey: storableTextOf(origin.originalRoutingKey),
    properties: JSON.parse(properties) as Record<string, unknown>,
    content: cut ? content.subarray(0, MAX_DEAD_LETTER_BYTES) : content,
  };
}
