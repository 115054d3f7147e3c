import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

/** The ids the next span started gets, set for the length of one synchronous `startSpan`. */
const recorded: { traceId: string | null; spanId: string | null } = { traceId: null, spanId: null };

/**
 * Ids for the tracer provider: the ones `withRecordedIds` sets, else random ones. It lets a span that ends in a
 * later process than the one that began it (a saga, an attempt) be made at its end with the ids its children were
 * already given.
 */
export class RecordedIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    return recorded.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    const spanId = recorded.spanId;
    // Taken once: any other span started meanwhile gets an id of its own.
    recorded.spanId = null;
    return spanId ?? this.random.generateSpanId();
  }
}

/**
 * Runs `start`, which starts one span, with the ids that span must have. A provider without `RecordedIdGenerator`
 * ignores them and its spans get ids of their own.
 */
export function withRecordedIds<T>(ids: { traceId: string; spanId: string }, start: () => T): T {
  recorded.traceId = ids.traceId;
  recorded.spanId = ids.spanId;
  try {
    return start();
  } finally {
    recorded.traceId = null;
    recorded.spanId = null;
  }
}
