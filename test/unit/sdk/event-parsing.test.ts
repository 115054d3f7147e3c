import type { LifecycleEvent } from 'saga-orchestrator-sdk/contracts';
import { parseLifecycleEvent } from 'saga-orchestrator-sdk/internal/sdk/event-parsing';

const limit = 4096;

const event: LifecycleEvent = {
  event_id: 'e-1',
  type: 'StepSucceeded',
  saga: { id: 's-1', name: 'order-fulfillment', version: 1 },
  correlation_id: 'c-1',
  status: 'RUNNING',
  step: 'reserve-inventory',
  output: { reservationId: 'r-1' },
  timestamp: '2026-11-25T10:30:00.000Z',
};

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseLifecycleEvent', () => {
  it('reads an event', () => {
    expect(parseLifecycleEvent(bytes(event), limit)).toEqual({ ok: true, event });
  });

  it('keeps only the fields of the contract', () => {
    expect(parseLifecycleEvent(bytes({ ...event, extra: 1 }), limit)).toEqual({ ok: true, event });
  });

  it.each<[string, Buffer, string]>([
    [
      'too large',
      Buffer.alloc(limit + 1, 0x20),
      `the event body is ${limit + 1} bytes, more than the limit of ${limit}`,
    ],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'the event body is not valid UTF-8'],
    [
      'too deep',
      Buffer.from(`${'['.repeat(129)}${']'.repeat(129)}`),
      'the event body is nested deeper than 128 levels',
    ],
    ['an unknown type', bytes({ ...event, type: 'StepRetried' }), 'not a lifecycle event: type: '],
    ['an unknown status', bytes({ ...event, status: 'DONE' }), 'not a lifecycle event: status: '],
    ['no event id', bytes({ ...event, event_id: '' }), 'not a lifecycle event: event_id: '],
    ['an output that is not an object', bytes({ ...event, output: [1] }), 'not a lifecycle event: output: '],
  ])('refuses a body %s', (_case, content, reason) => {
    const parsed = parseLifecycleEvent(content, limit);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(
      new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });
});
