import type { TimerPayload } from '../core/timers';

export interface QueuedTimer {
  key: string;
  fireAt: string;
  timer: TimerPayload;
}

interface Entry extends QueuedTimer {
  fireAtMs: number;
  /** Timers due at the same instant fire in the order they were scheduled. */
  sequence: number;
}

/** The saga's pending timers, by key: scheduling a key again replaces its timer, as the engine's timer table does. */
export class TimerQueue {
  private readonly timers = new Map<string, Entry>();
  private scheduled = 0;

  schedule(key: string, fireAt: string, timer: TimerPayload): void {
    this.timers.set(key, { key, fireAt, timer, fireAtMs: Date.parse(fireAt), sequence: ++this.scheduled });
  }

  cancel(key: string): void {
    this.timers.delete(key);
  }

  /** Removes and returns the timer due first, or null when none is pending. */
  takeNext(): QueuedTimer | null {
    let next: Entry | null = null;
    for (const entry of this.timers.values()) {
      if (
        next === null ||
        entry.fireAtMs < next.fireAtMs ||
        (entry.fireAtMs === next.fireAtMs && entry.sequence < next.sequence)
      ) {
        next = entry;
      }
    }
    if (next === null) return null;
    this.timers.delete(next.key);
    return { key: next.key, fireAt: next.fireAt, timer: next.timer };
  }

  get size(): number {
    return this.timers.size;
  }
}
