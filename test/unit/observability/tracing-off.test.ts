import { ProxyTracer, ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import { Topology } from 'saga-orchestrator-sdk/contracts';
import type { OutboxMessage } from '../../../src/orchestrator/ports';
import { SagaTracing } from '../../../src/observability/tracing';
import { tracedHeaders } from '../../../src/observability/tracing-headers';
import * as spans from '../../../src/observability/tracing-spans';
import { activeTracer } from 'saga-orchestrator-sdk/internal/shared/active-tracer';
import { traceLogFields } from 'saga-orchestrator-sdk/internal/shared/trace-log-fields';
import { traceCommand } from 'saga-orchestrator-sdk/internal/sdk/command-tracing';
import { SagaRun, orderSaga } from '../core/fixtures';

/** No tracer provider is registered in this file: tracing is off, as when OTEL_EXPORTER_OTLP_ENDPOINT is unset. */
describe('tracing off', () => {
  afterEach(() => jest.restoreAllMocks());

  function spanFactories() {
    return [
      jest.spyOn(ProxyTracer.prototype, 'startSpan'),
      jest.spyOn(ProxyTracerProvider.prototype, 'getTracer'),
      jest.spyOn(trace, 'wrapSpanContext'),
    ];
  }

  it('finds no tracer', () => {
    expect(activeTracer('saga-orchestrator')).toBeUndefined();
  });

  it('makes no span and works out none when a decision ends attempts and the saga', () => {
    const factories = spanFactories();
    const mapping = jest.spyOn(spans, 'finishedSpans');
    const run = new SagaRun(orderSaga());
    run.start();
    const before = run.state;
    new SagaTracing().committed(
      run.fail(run.lastCommand, { code: 'NO', message: 'no', retryable: false }),
      before,
      {},
    );
    expect(run.state.status).toBe('COMPENSATED');
    expect(mapping).not.toHaveBeenCalled();
    for (const factory of factories) expect(factory).not.toHaveBeenCalled();
  });

  it('sends outbox messages with the headers the saga stored, untouched', () => {
    const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const message: OutboxMessage = {
      id: '1',
      sagaId: 'saga-1',
      messageId: 'command-1',
      exchange: Topology.commandsExchange,
      routingKey: 'inventory',
      headers,
      body: {},
    };
    expect(tracedHeaders(message)).toBe(headers);
  });

  it('runs a participant handler without a span, its replies keeping the copied trace headers', async () => {
    const factories = spanFactories();
    const replyHeaders = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const message = {
      content: Buffer.from('{}'),
      fields: { routingKey: 'sagas.commands.inventory' },
      properties: { headers: { ...replyHeaders }, type: 'ReserveInventory' },
    } as unknown as ConsumeMessage;
    const fields = await traceCommand(message, replyHeaders, async () => traceLogFields());
    expect(fields).toEqual({});
    expect(replyHeaders).toEqual({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    for (const factory of factories) expect(factory).not.toHaveBeenCalled();
  });
});
