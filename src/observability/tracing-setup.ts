import type { OnApplicationShutdown } from '@nestjs/common';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { RecordedIdGenerator } from './tracing-id-generator';

/** The service name spans are exported under when `OTEL_SERVICE_NAME` does not name one. */
const DEFAULT_SERVICE_NAME = 'saga-orchestrator';

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The engine's OTLP export, for its lifetime: started with the engine, flushed when it shuts down. */
export class TracingExport implements OnApplicationShutdown {
  private readonly tracing: Tracing | null;

  constructor(logger: Logger, env: NodeJS.ProcessEnv = process.env) {
    this.tracing = startTracing(env);
    if (this.tracing !== null) logger.info('exporting traces over OTLP');
  }

  /** Last, once no decision is made any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

/**
 * Registers a tracer provider exporting over OTLP (protobuf over HTTP) when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the exporter, the sampler and the resource read the other standard
 * `OTEL_*` variables. Null when neither is set: the API stays a no-op and no span is made.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null;
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME }))
      .merge(detectResources({ detectors: [envDetector] })),
    idGenerator: new RecordedIdGenerator(),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
