import { ProxyTracerProvider, type Tracer, trace } from '@opentelemetry/api';

/**
 * The tracer of the tracer provider registered in this process, or undefined when none is: tracing is off and the
 * caller makes no span at all (the API's no-op would still allocate one per call).
 */
export function activeTracer(name: string): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider
    ? provider.getDelegateTracer(name)
    : provider.getTracer(name);
}
