import { attemptSpanId, isSampled, sagaTrace, traceparentOf } from '../../../src/observability/tracing-ids';

const SAGA = '6f1c2d3e-0000-4000-8000-000000000001';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('the trace ids a saga derives from what it stores', () => {
  it('gives a saga started without trace context a trace of its own, the same in every process', () => {
    const saga = sagaTrace(SAGA, null);
    expect(saga).toEqual({
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      parentSpanId: null,
      flags: '01',
    });
    expect(sagaTrace(SAGA, null)).toEqual(saga);
    expect(sagaTrace('6f1c2d3e-0000-4000-8000-000000000002', null).traceId).not.toBe(saga.traceId);
  });

  it("continues the start request's trace: its trace id, its span as the saga span's parent, its flags and state", () => {
    const saga = sagaTrace(SAGA, {
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00`,
      tracestate: 'vendor=abc',
    });
    expect(saga).toEqual({
      traceId: CALLER_TRACE,
      spanId: sagaTrace(SAGA, null).spanId,
      parentSpanId: CALLER_SPAN,
      flags: '00',
      tracestate: 'vendor=abc',
    });
    expect(isSampled(saga)).toBe(false);
    expect(isSampled(sagaTrace(SAGA, null))).toBe(true);
  });

  it.each([
    ['not W3C', 'hello'],
    ['upper case', `00-${CALLER_TRACE.toUpperCase()}-${CALLER_SPAN}-01`],
    ['a short span id', `00-${CALLER_TRACE}-00f067aa-01`],
  ])('ignores a traceparent that is %s, and its tracestate', (_case, traceparent) => {
    expect(sagaTrace(SAGA, { traceparent, tracestate: 'vendor=abc' })).toEqual(sagaTrace(SAGA, null));
  });

  it('gives each command its attempt span, and writes the traceparent a message carries', () => {
    const saga = sagaTrace(SAGA, { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
    const span = attemptSpanId('command-1');
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(attemptSpanId('command-1')).toBe(span);
    expect(attemptSpanId('command-2')).not.toBe(span);
    expect(traceparentOf(saga, span)).toBe(`00-${CALLER_TRACE}-${span}-01`);
  });
});
