import type { TraceContext } from './state';

/** The W3C trace context a saga's start request carried, as the AMQP headers of every message it causes. */
export function traceHeaders(trace: TraceContext | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (trace?.traceparent !== undefined) headers.traceparent = trace.traceparent;
  if (trace?.tracestate !== undefined) headers.tracestate = trace.tracestate;
  return headers;
}
