import { createHash } from 'node:crypto';
import type { TraceContext } from '../core/state';

/**
 * Where a saga's spans sit in their trace, derived from what the saga stores (its id, its start's trace context)
 * and the ids of its commands: every engine process, now or after a restart, derives the same ids, so a span made
 * by one process has the parent another process made.
 */
export interface SagaTrace {
  traceId: string;
  /** The saga span's id. */
  spanId: string;
  /** The span of the start request, when it carried a valid `traceparent`; the saga span's parent. */
  parentSpanId: string | null;
  /** The W3C trace flags, as two hex digits: the start request's, else sampled. */
  flags: string;
  tracestate?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);
const SAMPLED = '01';

export function sagaTrace(sagaId: string, trace: TraceContext | null): SagaTrace {
  const start = TRACEPARENT.exec(trace?.traceparent ?? '');
  const spanId = derivedId(`saga:${sagaId}`, 16, INVALID_SPAN_ID);
  const tracestate = start === null ? undefined : trace?.tracestate;
  return {
    traceId: start?.[1] ?? derivedId(`trace:${sagaId}`, 32, INVALID_TRACE_ID),
    spanId,
    parentSpanId: start?.[2] ?? null,
    flags: start?.[3] ?? SAMPLED,
    ...(tracestate === undefined ? {} : { tracestate }),
  };
}

/** The span of the attempt a command carries: one per command message, whichever process sent it. */
export function attemptSpanId(commandMessageId: string): string {
  return derivedId(`command:${commandMessageId}`, 16, INVALID_SPAN_ID);
}

/** The `traceparent` of a message whose parent span is `spanId` in the saga's trace. */
export function traceparentOf(saga: SagaTrace, spanId: string): string {
  return `00-${saga.traceId}-${spanId}-${saga.flags}`;
}

/** Whether the trace flags ask for the trace to be recorded. */
export function isSampled(saga: SagaTrace): boolean {
  return (parseInt(saga.flags, 16) & 1) === 1;
}

/** `length` hex digits of a SHA-256 of `seed`; never the all-zero id W3C Trace Context calls invalid. */
function derivedId(seed: string, length: number, invalid: string): string {
  const id = createHash('sha256').update(seed).digest('hex').slice(0, length);
  return id === invalid ? `${id.slice(0, -1)}1` : id;
}
