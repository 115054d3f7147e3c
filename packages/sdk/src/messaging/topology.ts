import type { Channel } from 'amqplib';
import { Topology, commandQueueName } from '../contracts/topology';

/**
 * Declares the wire protocol's shared topology (docs/wire-protocol.md): durable classic queues without arguments, declared
 * identically by the engine, the SDK and any participant, so whichever starts first creates the same thing.
 */
export async function declareSharedTopology(channel: Channel): Promise<void> {
  await channel.assertExchange(Topology.commandsExchange, 'direct', { durable: true });
  await channel.assertQueue(Topology.repliesQueue, { durable: true });
  await declareDeadLetters(channel);
}

/** `sagas.dead-letter`, the fanout exchange and the queue bound to it, where every consumer sets messages aside. */
export async function declareDeadLetters(channel: Channel): Promise<void> {
  await channel.assertExchange(Topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(Topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(Topology.deadLetterQueue, Topology.deadLetterExchange, '');
}

/**
 * Declares `sagas.events` (topic, durable), where the engine publishes lifecycle events. The engine and every
 * subscriber declare it; participants, which do not use it, do not.
 */
export async function declareEventsExchange(channel: Channel): Promise<void> {
  await channel.assertExchange(Topology.eventsExchange, 'topic', { durable: true });
}

/**
 * A subscriber's queue, durable and without arguments like every queue of the protocol, bound to `sagas.events`
 * with each of its bindings. Bindings are only added: one a subscriber no longer names stays until it is removed.
 */
export async function declareSubscriberQueue(
  channel: Channel,
  queue: string,
  bindings: readonly string[],
): Promise<void> {
  await channel.assertQueue(queue, { durable: true });
  for (const binding of bindings) await channel.bindQueue(queue, Topology.eventsExchange, binding);
}

export async function declareParticipantQueue(channel: Channel, participant: string): Promise<void> {
  const queue = commandQueueName(participant);
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, Topology.commandsExchange, participant);
}

/**
 * Checks, without declaring anything, that the shared topology and a participant's queue exist: what a broker user
 * allowed to configure nothing can do (a passive declare needs no permission).
 */
export async function checkParticipantTopology(channel: Channel, participant: string): Promise<void> {
  await channel.checkExchange(Topology.commandsExchange);
  await channel.checkExchange(Topology.deadLetterExchange);
  await channel.checkQueue(commandQueueName(participant));
}
