import { type Channel, type ChannelModel, type GetMessage, connect } from 'amqplib';
import { Client } from 'pg';
import { type LifecycleEvent, Topology, lifecycleEventSchema } from 'saga-orchestrator-sdk/contracts';
import { waitFor } from './wait-for';

/** A lifecycle event read from a queue, with the message it came in. */
export interface ReceivedEvent {
  event: LifecycleEvent;
  message: GetMessage;
}

/**
 * A queue of a test's own bound to `sagas.events`, as a service would bind one, read with basic.get: what it
 * holds once the engine's outbox is drained is everything the engine published to it.
 */
export class EventQueue {
  readonly received: ReceivedEvent[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly name: string,
  ) {}

  static async bind(url: string, name: string, bindings: string[] = ['#']): Promise<EventQueue> {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    await channel.assertExchange(Topology.eventsExchange, 'topic', { durable: true });
    await channel.assertQueue(name, { durable: true });
    for (const binding of bindings) await channel.bindQueue(name, Topology.eventsExchange, binding);
    return new EventQueue(connection, channel, name);
  }

  /** Takes every message waiting in the queue, each parsed as a lifecycle event, and keeps them in `received`. */
  async readAll(): Promise<ReceivedEvent[]> {
    for (let message = await this.channel.get(this.name, { noAck: true }); message !== false;) {
      const body: unknown = JSON.parse(message.content.toString('utf8'));
      this.received.push({ event: lifecycleEventSchema.parse(body), message });
      message = await this.channel.get(this.name, { noAck: true });
    }
    return this.received;
  }

  /** The events of one saga received so far, in the order they arrived. */
  of(sagaId: string): ReceivedEvent[] {
    return this.received.filter((received) => received.event.saga.id === sagaId);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/**
 * Waits until the saga is terminal and the engine holds no outbox row for it: every command and event it made
 * was published and confirmed by the broker (a confirmed event is in every queue it was routed to).
 */
export async function waitForSagaPublished(databaseUrl: string, sagaId: string): Promise<string> {
  return waitFor(`saga ${sagaId} to end with its outbox drained`, async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ status: string; queued: string }>(
        `SELECT status, (SELECT count(*) FROM outbox WHERE saga_id = $1) AS queued
         FROM saga_instances WHERE id = $1`,
        [sagaId],
      );
      const row = rows[0];
      const ended =
        row !== undefined && ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'].includes(row.status);
      return ended && Number(row.queued) === 0 ? row.status : undefined;
    } finally {
      await client.end();
    }
  });
}
