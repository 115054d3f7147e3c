import { TimerQueue } from '../../../src/simulation/timer-queue';

const retry = (attempt: number) => ({
  type: 'retry' as const,
  step: 'a',
  kind: 'action' as const,
  attempt,
  causationId: 'c',
});

describe('TimerQueue', () => {
  it('fires the earliest timer first, and timers due at one instant in the order they were scheduled', () => {
    const queue = new TimerQueue();
    queue.schedule('late', '2026-01-01T00:00:02.000Z', retry(3));
    queue.schedule('first', '2026-01-01T00:00:01.000Z', retry(1));
    queue.schedule('second', '2026-01-01T00:00:01.000Z', retry(2));

    expect([queue.takeNext()?.key, queue.takeNext()?.key, queue.takeNext()?.key]).toEqual([
      'first',
      'second',
      'late',
    ]);
    expect(queue.takeNext()).toBeNull();
  });

  it('replaces a timer scheduled again under its key, and forgets a cancelled one', () => {
    const queue = new TimerQueue();
    queue.schedule('a', '2026-01-01T00:00:01.000Z', retry(1));
    queue.schedule('a', '2026-01-01T00:00:05.000Z', retry(2));
    queue.schedule('b', '2026-01-01T00:00:03.000Z', retry(1));
    queue.cancel('b');

    expect(queue.size).toBe(1);
    expect(queue.takeNext()).toEqual({ key: 'a', fireAt: '2026-01-01T00:00:05.000Z', timer: retry(2) });
  });
});
