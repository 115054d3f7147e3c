import { sweepIntervalMs } from '../../../src/retention/retention-sweeper';

describe('how often retention sweeps', () => {
  it.each<[string, number, number]>([
    ['30d', 30 * 86_400_000, 60_000],
    ['10m', 600_000, 60_000],
    ['1m', 60_000, 6_000],
    ['10s', 10_000, 1_000],
    ['1s', 1_000, 1_000],
  ])('RETENTION=%s (%p ms): every %p ms', (_text, retentionMs, intervalMs) => {
    expect(sweepIntervalMs(retentionMs)).toBe(intervalMs);
  });
});
