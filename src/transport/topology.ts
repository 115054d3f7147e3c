import type { Channel } from 'amqplib';
import { Topology, commandQueueName } from '../contracts/topology';

/** Declares the wire protocol's topology (CONTRACT §3): durable, classic, no arguments. */
export async function declareTopology(channel: Channel, participants: string[]): Promise<void> {
  await channel.assertExchange(Topology.commandsExchange, 'direct', { durable: true });
  await channel.assertExchange(Topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(Topology.repliesQueue, { durable: true });
  await channel.assertQueue(Topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(Topology.deadLetterQueue, Topology.deadLetterExchange, '');
  for (const participant of participants) {
    await declareParticipantQueue(channel, participant);
  }
}

export async function declareParticipantQueue(channel: Channel, participant: string): Promise<void> {
  const queue = commandQueueName(participant);
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, Topology.commandsExchange, participant);
}
