import type { Options } from 'amqplib';
import { type Command, type LifecycleEvent, Topology } from 'saga-orchestrator-sdk/contracts';
import { tracedHeaders } from '../observability/tracing-headers';
import type { OutboxMessage } from '../orchestrator/ports';

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

/** AMQP properties of a lifecycle event (docs/wire-protocol.md): no `replyTo`, nobody answers an event. */
export function eventProperties(event: LifecycleEvent, headers: Record<string, string>): Options.Publish {
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: event.event_id,
    correlationId: event.correlation_id,
    type: event.type,
    timestamp: Math.floor(Date.parse(event.timestamp) / 1000),
    headers,
  };
}

/** The properties of an outbox row: its exchange tells a lifecycle event from a command. */
export function outboxProperties(row: OutboxMessage): Options.Publish {
  return row.exchange === Topology.eventsExchange
    ? eventProperties(row.body as LifecycleEvent, tracedHeaders(row))
    : commandProperties(row.body as Command, tracedHeaders(row));
}
