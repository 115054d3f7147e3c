import { trace } from '@opentelemetry/api';

const none: Readonly<Record<string, string>> = Object.freeze({});

/** `trace_id` and `span_id` of the active span, for a log line; empty when no span is active. */
export function traceLogFields(): Readonly<Record<string, string>> {
  const span = trace.getActiveSpan();
  if (span === undefined) return none;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
