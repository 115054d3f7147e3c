import {
  type Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  createTraceState,
  trace,
} from '@opentelemetry/api';
import type { Decision } from '../core/effects';
import type { SagaState } from '../core/state';
import type { DecisionListener } from '../orchestrator/ports';
import { activeTracer } from 'saga-orchestrator-sdk/internal/shared/active-tracer';
import { withRecordedIds } from './tracing-id-generator';
import { sagaTrace } from './tracing-ids';
import { type DecisionCause, type FinishedSpan, finishedSpans } from './tracing-spans';

/** The engine's tracer (instrumentation scope). */
export const ENGINE_TRACER = 'saga-orchestrator';

/**
 * Makes the spans of sagas and of their attempts from the decisions committed, each at its end with its recorded
 * start time and the ids its children were given (README "Traces"), and names the trace in the log lines about a
 * saga. Without a tracer provider it does nothing.
 */
export class SagaTracing implements DecisionListener {
  committed(decision: Decision, before: SagaState | null, cause: DecisionCause): void {
    const tracer = activeTracer(ENGINE_TRACER);
    if (tracer === undefined) return;
    for (const span of finishedSpans(decision, before, cause)) emit(tracer, span);
  }

  /** The saga's trace id, for the engine's log lines about it, when tracing is on. */
  logFields(state: SagaState): Readonly<Record<string, string>> {
    if (activeTracer(ENGINE_TRACER) === undefined) return noFields;
    return { trace_id: sagaTrace(state.id, state.trace).traceId };
  }
}

const noFields: Readonly<Record<string, string>> = Object.freeze({});

function emit(tracer: Tracer, finished: FinishedSpan): void {
  const { saga } = finished;
  const span = withRecordedIds({ traceId: saga.traceId, spanId: finished.spanId }, () =>
    tracer.startSpan(
      finished.name,
      {
        kind: finished.kind === 'saga' ? SpanKind.INTERNAL : SpanKind.PRODUCER,
        startTime: new Date(finished.startTime),
        attributes: finished.attributes,
      },
      parentContext(finished),
    ),
  );
  if (finished.error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: finished.error });
  span.end(new Date(finished.endTime));
}

/** The parent as a remote span context: it was made, or will be, possibly by another process. */
function parentContext({ saga, parentSpanId }: FinishedSpan): Context {
  if (parentSpanId === null) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: saga.traceId,
    spanId: parentSpanId,
    traceFlags: parseInt(saga.flags, 16),
    isRemote: true,
    ...(saga.tracestate === undefined ? {} : { traceState: createTraceState(saga.tracestate) }),
  });
}
