import type { Channel } from 'amqplib';
import { Topology, commandQueueName } from '../contracts/topology';
import { QueueMismatchError, isPreconditionFailed } from './queue-mismatch';
import { type QueueSettings, queueOptions } from './queue-settings';

/**
 * Declares the wire protocol's shared topology (docs/wire-protocol.md): durable queues, classic without arguments
 * or quorum with a delivery limit as `queues` says, declared identically by the engine, the SDK and any
 * participant, so whichever starts first creates the same thing.
 */
export async function declareSharedTopology(channel: Channel, queues: QueueSettings): Promise<void> {
  await channel.assertExchange(Topology.commandsExchange, 'direct', { durable: true });
  await declareDeadLetters(channel, queues);
  await declareQueue(channel, Topology.repliesQueue, queues);
}

/** `sagas.dead-letter`, the fanout exchange and the queue bound to it, where every consumer sets messages aside. */
export async function declareDeadLetters(channel: Channel, queues: QueueSettings): Promise<void> {
  await channel.assertExchange(Topology.deadLetterExchange, 'fanout', { durable: true });
  await declareQueue(channel, Topology.deadLetterQueue, queues);
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
 * A subscriber's queue, declared like every queue of the protocol, bound to `sagas.events` with each of its
 * bindings. Bindings are only added: one a subscriber no longer names stays until it is removed.
 */
export async function declareSubscriberQueue(
  channel: Channel,
  queue: string,
  bindings: readonly string[],
  queues: QueueSettings,
): Promise<void> {
  await declareQueue(channel, queue, queues);
  for (const binding of bindings) await channel.bindQueue(queue, Topology.eventsExchange, binding);
}

export async function declareParticipantQueue(
  channel: Channel,
  participant: string,
  queues: QueueSettings,
): Promise<void> {
  const queue = commandQueueName(participant);
  await declareQueue(channel, queue, queues);
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

/** A queue that exists with other arguments fails with a QueueMismatchError naming it (the channel is closed). */
async function declareQueue(channel: Channel, queue: string, queues: QueueSettings): Promise<void> {
  try {
    await channel.assertQueue(queue, queueOptions(queues, queue));
  } catch (error) {
    if (isPreconditionFailed(error)) throw new QueueMismatchError(queue, queues, (error as Error).message);
    throw error;
  }
}
