import { TokenBuckets } from '../../../src/api/auth/token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per refill interval, per caller', () => {
    const buckets = new TokenBuckets(2, 3); // 2 per second, burst 3
    expect([0, 0, 0].map(() => buckets.take('a', 0))).toEqual([0, 0, 0]);
    expect(buckets.take('a', 0)).toBe(500);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 250)).toBe(250);
    expect(buckets.take('a', 500)).toBe(0);
    expect(buckets.take('a', 500)).toBe(500);
  });

  it('never stores more than the burst', () => {
    const buckets = new TokenBuckets(10, 2);
    buckets.take('a', 0);
    expect([buckets.take('a', 60_000), buckets.take('a', 60_000), buckets.take('a', 60_000)]).toEqual([
      0, 0, 100,
    ]);
  });
});

describe('TokenBuckets memory', () => {
  it('keeps at most maxCallers buckets, forgetting the least recently used, never the active ones', () => {
    const buckets = new TokenBuckets(1, 1, 3);
    buckets.take('real', 0);
    for (let n = 0; n < 100; n++) {
      buckets.take(`forged-${n}`, 0);
      // The real caller keeps calling: its empty bucket is never forgotten, so it stays limited.
      if (n % 2 === 0) expect(buckets.take('real', 0)).toBeGreaterThan(0);
    }
    expect(buckets.callers).toBe(3);
  });
});
