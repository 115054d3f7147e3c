import { Topology } from 'saga-orchestrator-sdk/contracts';
import type { OutboxMessage } from '../orchestrator/ports';
import { activeTracer } from 'saga-orchestrator-sdk/internal/shared/active-tracer';
import { ENGINE_TRACER } from './tracing';
import { attemptSpanId, sagaTrace, traceparentOf } from './tracing-ids';

/**
 * The AMQP headers an outbox message leaves with. With tracing on, its `traceparent` names the span that sent it
 * in the saga's trace — a command's attempt span, the saga span for a lifecycle event — keeping the start's trace
 * id and `tracestate`. With tracing off, the headers as the saga stored them (the start's trace context).
 */
export function tracedHeaders(message: OutboxMessage): Record<string, string> {
  if (activeTracer(ENGINE_TRACER) === undefined) return message.headers;
  const saga = sagaTrace(message.sagaId, message.headers);
  const parent =
    message.exchange === Topology.commandsExchange ? attemptSpanId(message.messageId) : saga.spanId;
  return { ...message.headers, traceparent: traceparentOf(saga, parent) };
}
