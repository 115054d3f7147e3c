/**
 * Saga durations kept as counts per bucket, so per-minute totals add up over any window. Bucket `b` holds the
 * durations from 2^(b/8) ms up to 2^((b+1)/8) ms (durations under 1 ms in bucket 0): each bucket is 9 % wide,
 * so a percentile read from its bucket's geometric middle is within 4.5 % of the exact one.
 */
export const BUCKETS_PER_DOUBLING = 8;

/** The bucket of a duration in milliseconds, written in SQL (`ms` is a double precision expression). */
export function durationBucketSql(ms: string): string {
  return `floor(ln(greatest(${ms}, 1)) / ln(2) * ${BUCKETS_PER_DOUBLING})::smallint`;
}

export interface BucketCount {
  bucket: number;
  count: number;
}

/** The `q`-quantile (0 < q ≤ 1) of the durations counted in `buckets`, in ms; null when none is. */
export function durationPercentile(buckets: readonly BucketCount[], q: number): number | null {
  const total = buckets.reduce((sum, { count }) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const { bucket, count } of [...buckets].sort((a, b) => a.bucket - b.bucket)) {
    seen += count;
    if (seen >= rank) return Math.round(2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING) * 10) / 10;
  }
  return null;
}
