import type { Channel, ConsumeMessage } from 'amqplib';
import type { DataSource } from 'typeorm';
import { Topology } from '../contracts/topology';
import { publishConfirmed } from '../messaging/publish-confirmed';
import type { Logger } from '../orchestrator/logger';
import {
  type DeadLetterRow,
  deleteDeadLetter,
  findDeadLetter,
  insertDeadLetter,
  listDeadLetters,
} from '../persistence/dead-letter-sql';
import { runQuery } from '../persistence/sql';
import type { AmqpChannels, AmqpConnection } from './amqp-connection';

const RETRY_DELAY_MS = 1000;
const ENGINE_HEADERS = [Topology.errorHeader, 'x-saga-original-exchange', 'x-saga-original-routing-key'];

/**
 * Drains `sagas.dead-letter` — from the engine, the SDK or any participant — into the `dead_letters` table, where
 * operators list them and replay or delete each one. A message is acknowledged only once it is stored.
 */
export class DeadLetterArchive {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
  ) {
    connection.onConnected((channels) => this.consume(channels));
  }

  list(limit: number, beforeId: string | null): Promise<DeadLetterRow[]> {
    return runQuery<DeadLetterRow>(this.dataSource, listDeadLetters(limit, beforeId)).then((r) => r.rows);
  }

  async find(id: string): Promise<DeadLetterRow | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return (await runQuery<DeadLetterRow>(this.dataSource, findDeadLetter(id))).rows[0] ?? null;
  }

  /** Publishes the message again where it first went (with confirm), then forgets it. */
  async replay(letter: DeadLetterRow): Promise<void> {
    const channel = this.connection.current?.publish;
    if (channel === undefined) throw new Error('the broker is unreachable');
    const properties = { ...letter.properties } as Record<string, unknown> & {
      headers?: Record<string, unknown>;
    };
    const headers = { ...(properties.headers ?? {}) };
    for (const name of ENGINE_HEADERS) delete headers[name];
    await publishConfirmed(channel, letter.original_exchange, letter.original_routing_key, letter.content, {
      ...properties,
      headers: { ...headers, 'x-saga-replayed-from': letter.id },
    });
    await runQuery(this.dataSource, deleteDeadLetter(letter.id));
  }

  async delete(id: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(id)) return false;
    return (await runQuery(this.dataSource, deleteDeadLetter(id))).rowCount > 0;
  }

  private async consume(channels: AmqpChannels): Promise<void> {
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
    try {
      await runQuery(
        this.dataSource,
        insertDeadLetter({
          messageId: (message.properties.messageId as string | undefined) ?? null,
          reason: String(headers[Topology.errorHeader] ?? 'no reason given'),
          originalExchange: String(headers['x-saga-original-exchange'] ?? ''),
          originalRoutingKey: String(headers['x-saga-original-routing-key'] ?? ''),
          properties: { ...message.properties } as Record<string, unknown>,
          content: message.content,
        }),
      );
      channel.ack(message);
    } catch (error) {
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
