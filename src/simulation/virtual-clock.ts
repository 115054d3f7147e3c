/** Time in a simulation: it stands still until the simulation moves it to the next timer. */
export class VirtualClock {
  private elapsedMs = 0;

  constructor(readonly start: Date) {}

  now(): Date {
    return new Date(this.start.getTime() + this.elapsedMs);
  }

  /** Milliseconds since the simulation started. */
  get elapsed(): number {
    return this.elapsedMs;
  }

  /** Milliseconds between the start and an ISO instant. */
  offsetOf(iso: string): number {
    return Date.parse(iso) - this.start.getTime();
  }

  /** Moves to an ISO instant; a timer already due leaves the clock where it is. */
  moveTo(iso: string): void {
    this.elapsedMs = Math.max(this.elapsedMs, this.offsetOf(iso));
  }
}

/** `+1.250s`: virtual time since the start, to the millisecond. */
export function formatOffset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`;
}
