import {
  type Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import type { Command } from '../contracts/command';
import type { Reply } from '../contracts/reply';
import { activeTracer } from '../shared/active-tracer';
import { TraceAttribute } from '../shared/trace-attributes';

/** The SDK's tracer (instrumentation scope). */
export const SDK_TRACER = 'saga-orchestrator-sdk';

/** AMQP headers as the propagator reads them: a header may arrive as a Buffer. */
const amqpHeaders: TextMapGetter<Record<string, unknown>> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return typeof value === 'string' ? value : undefined;
  },
};

/**
 * Runs the handling of a delivered command in a consumer span that continues the command's trace context, and
 * sets `replyHeaders` (the headers of its replies and progress reports) to the span's own. With no tracer provider
 * registered it just runs `handle`: no span, headers as given.
 */
export async function traceCommand<T>(
  message: ConsumeMessage,
  replyHeaders: Record<string, string>,
  handle: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer(SDK_TRACER);
  if (tracer === undefined) return handle();
  const parent = propagation.extract(ROOT_CONTEXT, message.properties.headers ?? {}, amqpHeaders);
  const type: unknown = message.properties.type;
  const span = tracer.startSpan(
    `process ${typeof type === 'string' && type !== '' ? type : 'command'}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [TraceAttribute.messagingSystem]: 'rabbitmq',
        [TraceAttribute.messagingOperation]: 'process',
        [TraceAttribute.messagingDestination]: message.fields.routingKey,
        ...(typeof message.properties.messageId === 'string'
          ? { [TraceAttribute.messageId]: message.properties.messageId }
          : {}),
      },
    },
    parent,
  );
  const active: Context = trace.setSpan(parent, span);
  propagation.inject(active, replyHeaders);
  try {
    return await context.with(active, handle);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** Names the command the active consumer span handles (once its body is read). */
export function traceCommandRead(command: Command): void {
  trace.getActiveSpan()?.setAttributes({
    [TraceAttribute.sagaId]: command.saga.id,
    [TraceAttribute.sagaName]: command.saga.name,
    [TraceAttribute.step]: command.step,
    [TraceAttribute.commandKind]: command.kind,
    [TraceAttribute.attempt]: command.attempt,
  });
}

/** Records the reply the active consumer span answered with; a failure is the span's error. */
export function traceReply(reply: Reply): void {
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  span.setAttribute(TraceAttribute.replyMessageId, reply.message_id);
  if (reply.outcome === 'failure') {
    span.setAttribute(TraceAttribute.errorCode, reply.error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.message });
  }
}

/** The active consumer span's command could not be handled: it went to the dead-letter queue. */
export function traceDeadLetter(reason: string): void {
  trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${reason}` });
}
