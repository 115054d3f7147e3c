import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger } from '../../src/observability/logger';
import { RecordedIdGenerator } from '../../src/observability/tracing-id-generator';
import { sagaTrace } from '../../src/observability/tracing-ids';
import {
  BusinessError,
  type Logger,
  type Participant,
  RetryableError,
  createParticipant,
} from 'saga-orchestrator-sdk';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const tracedOrder = `
name: traced-order
version: 1
steps:
  - name: reserve
    participant: stock
    action: Reserve
    compensation: Release
    retry: { attempts: 3, backoff: 20ms }
    payload:
      flaky: "\${input.flaky}"
  - name: charge
    participant: payments
    action: Charge
    payload:
      decline: "\${input.decline}"
`;

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/**
 * One process holds an in-memory exporter, the engine and the SDK participants: a saga and its participants' work
 * must end up on one trace, each span under the one that caused it.
 */
describe('traces across the engine and SDK participants', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    idGenerator: new RecordedIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const participantLines: Array<Record<string, unknown>> = [];
  const participantLogger = collectingLogger(participantLines);
  const engineLines: Array<Record<string, unknown>> = [];
  let engine: TestEngine;
  let participants: Participant[] = [];

  beforeAll(async () => {
    provider.register({ contextManager: new AsyncLocalStorageContextManager() });
    engine = await startTestEngine({
      sagas: { 'traced-order.yaml': tracedOrder },
      logger: collectingLogger(engineLines),
    });
    participants = [
      createParticipant({
        url: engine.amqpUrl,
        participant: 'stock',
        logger: participantLogger,
        handlers: {
          Reserve: async (payload, ctx) => {
            if (payload.flaky === true && ctx.attempt === 1)
              throw new RetryableError('BUSY', 'warehouse busy');
            return { reservation: `r-${ctx.sagaId}` };
          },
          Release: async () => undefined,
        },
      }),
      createParticipant({
        url: engine.amqpUrl,
        participant: 'payments',
        logger: participantLogger,
        handlers: {
          Charge: async (payload) => {
            if (payload.decline === true) throw new BusinessError('DECLINED', 'card declined');
            return { paymentId: 'p-1' };
          },
        },
      }),
    ];
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await engine?.stop();
    await provider.shutdown();
    trace.disable();
  });

  async function runSaga(input: object, headers: Record<string, string> = {}): Promise<string> {
    const started = await engine.request('POST', '/api/sagas', { name: 'traced-order', input }, headers);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await waitFor(`saga ${id} to end`, async () => {
      const { body } = await engine.request('GET', `/api/sagas/${id}`);
      return ['COMPLETED', 'COMPENSATED'].includes(body.status) ? body.status : undefined;
    });
    return id;
  }

  /** Every span of the saga's trace, once its saga span is exported. */
  async function traceOf(sagaId: string): Promise<ReadableSpan[]> {
    const sagaSpan = await waitFor(`the saga span of ${sagaId}`, () =>
      exporter
        .getFinishedSpans()
        .find((span) => span.attributes['saga.id'] === sagaId && span.name.startsWith('saga ')),
    );
    const traceId = sagaSpan.spanContext().traceId;
    return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  }

  const idOf = (span: ReadableSpan | undefined) => span?.spanContext().spanId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  /** The consumer span of the participant that handled the command an attempt span sent. */
  function consumerOf(spans: ReadableSpan[], attempt: ReadableSpan): ReadableSpan {
    const children = spans.filter((span) => parentOf(span) === idOf(attempt));
    expect(children).toHaveLength(1);
    return children[0]!;
  }

  it('puts a completed saga, its attempts (a retry among them) and its participants on the caller’s trace', async () => {
    const id = await runSaga(
      { flaky: true, decline: false },
      { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
    );
    const spans = await traceOf(id);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([CALLER_TRACE]));
    expect(spans.map((span) => span.name).sort()).toEqual([
      'process Charge',
      'process Reserve',
      'process Reserve',
      'saga traced-order',
      'step charge',
      'step reserve',
      'step reserve',
    ]);

    const sagaSpan = spans.find((span) => span.name === 'saga traced-order')!;
    expect(sagaSpan.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(sagaSpan)).toBe(CALLER_SPAN);
    expect(idOf(sagaSpan)).toBe(sagaTrace(id, null).spanId);
    expect(sagaSpan.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(sagaSpan.attributes).toMatchObject({
      'saga.id': id,
      'saga.name': 'traced-order',
      'saga.version': 1,
      'saga.status': 'COMPLETED',
    });

    const attempts = spans
      .filter((span) => span.name.startsWith('step '))
      .sort((a, b) => Number(a.attributes['saga.attempt']) - Number(b.attributes['saga.attempt']));
    for (const attempt of attempts) {
      expect(attempt.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(attempt)).toBe(idOf(sagaSpan));
      expect(attempt.attributes['saga.id']).toBe(id);
    }
    const reserves = attempts.filter((span) => span.attributes['saga.step'] === 'reserve');
    expect(
      reserves.map((span) => [span.attributes['saga.attempt'], span.attributes['saga.attempt.outcome']]),
    ).toEqual([
      [1, 'failure'],
      [2, 'success'],
    ]);
    expect(reserves[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'warehouse busy' });
    expect(reserves[0]!.attributes['saga.error.code']).toBe('BUSY');

    for (const attempt of attempts) {
      const consumer = consumerOf(spans, attempt);
      expect(consumer.kind).toBe(SpanKind.CONSUMER);
      expect(consumer.attributes).toMatchObject({
        'saga.id': id,
        'saga.step': attempt.attributes['saga.step'],
        'saga.attempt': attempt.attributes['saga.attempt'],
        'saga.command.kind': 'action',
        'messaging.system': 'rabbitmq',
        'messaging.message.id': attempt.attributes['messaging.message.id'],
      });
      // The reply the participant sent is the one that ended the attempt.
      expect(consumer.attributes['saga.reply.message_id']).toEqual(expect.any(String));
      expect(attempt.attributes['saga.reply.message_id']).toBe(consumer.attributes['saga.reply.message_id']);
      expect(hrMs(consumer.startTime)).toBeGreaterThanOrEqual(hrMs(attempt.startTime));
      expect(hrMs(attempt.endTime)).toBeGreaterThanOrEqual(Math.floor(hrMs(consumer.startTime)));
    }
    expect(consumerOf(spans, reserves[0]!).status.code).toBe(SpanStatusCode.ERROR);
    expect(hrMs(sagaSpan.startTime)).toBeLessThanOrEqual(
      Math.min(...attempts.map((span) => hrMs(span.startTime))),
    );
    expect(hrMs(sagaSpan.endTime)).toBeGreaterThanOrEqual(
      Math.max(...attempts.map((span) => hrMs(span.endTime))) - 1,
    );

    // The participant's log lines about these commands carry the saga's trace id.
    const handled = participantLines.filter(
      (line) => line.sagaId === id && line.message === 'command handled',
    );
    expect(handled).toHaveLength(2);
    for (const line of handled) expect(line.trace_id).toBe(CALLER_TRACE);
    // So do the engine's lines about the saga.
    const sagaLines = engineLines.filter((line) => line.sagaId === id);
    expect(sagaLines.map((line) => line.message)).toContain('SagaCompleted');
    for (const line of sagaLines) expect(line).toMatchObject({ trace_id: CALLER_TRACE });
  });

  it('gives a compensated saga a trace of its own with its compensation attempts', async () => {
    const id = await runSaga({ flaky: false, decline: true });
    const spans = await traceOf(id);
    expect(spans[0]!.spanContext().traceId).toBe(sagaTrace(id, null).traceId);
    expect(spans.map((span) => span.name).sort()).toEqual([
      'compensate reserve',
      'process Charge',
      'process Release',
      'process Reserve',
      'saga traced-order',
      'step charge',
      'step reserve',
    ]);
    const sagaSpan = spans.find((span) => span.name === 'saga traced-order')!;
    expect(sagaSpan.parentSpanContext).toBeUndefined();
    expect(sagaSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'saga ended COMPENSATED' });
    expect(sagaSpan.attributes['saga.status']).toBe('COMPENSATED');

    const charge = spans.find((span) => span.name === 'step charge')!;
    expect(charge.attributes).toMatchObject({
      'saga.attempt.outcome': 'failure',
      'saga.error.code': 'DECLINED',
    });
    expect(consumerOf(spans, charge).attributes['saga.error.code']).toBe('DECLINED');

    const compensation = spans.find((span) => span.name === 'compensate reserve')!;
    expect(compensation.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(compensation)).toBe(idOf(sagaSpan));
    expect(compensation.attributes).toMatchObject({
      'saga.step': 'reserve',
      'saga.command.kind': 'compensation',
      'saga.attempt': 1,
      'saga.attempt.outcome': 'success',
    });
    const release = consumerOf(spans, compensation);
    expect(release).toMatchObject({ name: 'process Release', kind: SpanKind.CONSUMER });
    expect(release.attributes).toMatchObject({ 'saga.command.kind': 'compensation', 'saga.step': 'reserve' });
    expect(hrMs(compensation.startTime)).toBeGreaterThanOrEqual(hrMs(charge.endTime) - 1);
  });

  it("writes the engine's log lines with the active span's trace id", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', destination);
    logger.info('outside any span');
    const spanIds = trace.getTracer('test').startActiveSpan('operation', (span) => {
      logger.info('inside a span');
      span.end();
      return span.spanContext();
    });
    const [outside, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({
      msg: 'inside a span',
      trace_id: spanIds.traceId,
      span_id: spanIds.spanId,
    });
  });
});

function collectingLogger(lines: Array<Record<string, unknown>>): Logger {
  const collect = (message: string, fields?: Record<string, unknown>) => {
    lines.push({ message, ...fields });
  };
  return { info: collect, warn: collect, error: collect };
}

function hrMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}
