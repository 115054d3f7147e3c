/**
 * A token bucket per caller: `ratePerSecond` tokens refill continuously, up to `burst`. Time is passed in. At most
 * `maxCallers` buckets are kept; beyond that the least recently used one goes — it has refilled the longest, so
 * forgetting it costs its caller nothing, and no flood of new callers can reset anyone else's bucket.
 */
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
    this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    if (this.buckets.size > this.maxCallers) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000);
  }

  get callers(): number {
    return this.buckets.size;
  }
}
