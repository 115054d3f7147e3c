import { TokenBuckets } from '../../../src/api/token-bucket';

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
