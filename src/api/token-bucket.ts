/** A token bucket per caller: `ratePerSecond` tokens refill continuously, up to `burst`. Time is passed in. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxCallers = 100_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(caller: string, nowMs: number): number {
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = nowMs;
    if (!this.buckets.has(caller)) {
      if (this.buckets.size >= this.maxCallers) this.buckets.clear();
      this.buckets.set(caller, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000);
  }
}
