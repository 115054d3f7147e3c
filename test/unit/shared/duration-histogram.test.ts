import fc from 'fast-check';
import {
  BUCKETS_PER_DOUBLING,
  type BucketCount,
  durationPercentile,
} from '../../../src/shared/duration-histogram';

/** The bucket as the SQL expression computes it (durationBucketSql). */
const bucketOf = (ms: number) => Math.floor((Math.log(Math.max(ms, 1)) / Math.log(2)) * BUCKETS_PER_DOUBLING);

function histogram(durations: number[]): BucketCount[] {
  const counts = new Map<number, number>();
  for (const ms of durations) counts.set(bucketOf(ms), (counts.get(bucketOf(ms)) ?? 0) + 1);
  return [...counts].map(([bucket, count]) => ({ bucket, count }));
}

/** The nearest-rank percentile of the exact durations. */
function exactPercentile(durations: number[], q: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('durationPercentile', () => {
  it('is null when nothing finished', () => {
    expect(durationPercentile([], 0.5)).toBeNull();
    expect(durationPercentile([{ bucket: 3, count: 0 }], 0.5)).toBeNull();
  });

  it('is within 4.5 % of the exact percentile, for durations of 1 ms to a week', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 7 * 86_400_000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (durations, q) => {
          const estimate = durationPercentile(histogram(durations), q)!;
          const exact = exactPercentile(durations, q);
          expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.046);
        },
      ),
    );
  });

  it('reads the buckets in order, whatever order they come in', () => {
    const buckets = [
      { bucket: 80, count: 1 },
      { bucket: 8, count: 98 },
      { bucket: 40, count: 1 },
    ];
    expect(durationPercentile(buckets, 0.5)).toBeCloseTo(2 ** (8.5 / 8), 1);
    expect(durationPercentile(buckets, 0.99)).toBeCloseTo(2 ** (40.5 / 8), 1);
    expect(durationPercentile(buckets, 1)).toBeCloseTo(2 ** (80.5 / 8), 0);
  });
});
