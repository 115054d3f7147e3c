import type { ConfirmChannel } from 'amqplib';
import { hardenAmqplib } from '../messaging/harden-amqplib';
import { declareDeadLetters, declareEventsExchange, declareSubscriberQueue } from '../messaging/topology';
import { ConsumerConnection } from './consumer-connection';
import { EventDelivery } from './event-delivery';
import { type SubscriberOptions, compileSubscriberOptions } from './subscriber-options';

export interface Subscription {
  /** The queue consumed. */
  readonly queue: string;
  /** Stops consuming, waits for the events being handled to be settled, then closes the connection. */
  close(): Promise<void>;
}

/**
 * Consumes the saga lifecycle events the engine publishes to `sagas.events` (docs/wire-protocol.md), on a queue of
 * the subscriber's own bound with `bindings`. Resolves once connected (retrying with backoff until the broker
 * answers) and consuming; reconnects by itself after a lost connection. Acknowledgements, dead letters and
 * reconnects are the participants'.
 */
export async function subscribe(options: SubscriberOptions): Promise<Subscription> {
  const compiled = compileSubscriberOptions(options);
  hardenAmqplib();
  const { queue, bindings, logger } = compiled;
  const events = new EventDelivery({
    handler: compiled.handler,
    logger,
    maxAttempts: compiled.maxAttempts,
    maxEventBytes: compiled.maxEventBytes,
  });
  const connection = new ConsumerConnection({
    urls: compiled.urls,
    transport: compiled.transport,
    name: `subscriber ${queue}`,
    queue,
    prefetch: compiled.prefetch,
    logger,
    userId: null,
    declare: async (channel: ConfirmChannel) => {
      await declareDeadLetters(channel, compiled.queues);
      await declareEventsExchange(channel);
      await declareSubscriberQueue(channel, queue, bindings, compiled.queues);
    },
    handle: events.handle,
  });
  await connection.start();
  return { queue, close: () => connection.stop() };
}
