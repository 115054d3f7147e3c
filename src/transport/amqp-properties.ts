import type { Options } from 'amqplib';
import type { Command } from '../contracts/command';
import { Topology } from '../contracts/topology';

/** AMQP properties of a command (docs/wire-protocol.md). */
export function commandProperties(command: Command, headers: Record<string, string>): Options.Publish {
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: command.message_id,
    correlationId: command.correlation_id,
    type: command.type,
    timestamp: Math.floor(Date.parse(command.timestamp) / 1000),
    replyTo: Topology.repliesQueue,
    headers,
  };
}
