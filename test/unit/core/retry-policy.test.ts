import type { RetryPolicy } from '../../../src/core/definition/types';
import { backoffDelayMs, hasAttemptsLeft } from '../../../src/core/retry-policy';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 5,
  backoffMs: 1_000,
  multiplier: 2,
  maxBackoffMs: 30_000,
  jitter: 'none',
  ...overrides,
});
/** Without jitter the draw is never used. */
const noDraw = () => {
  throw new Error('drew a random number without jitter');
};

describe('backoffDelayMs', () => {
  it.each<[string, Partial<RetryPolicy>, number, number]>([
    ['first retry waits the base backoff', {}, 1, 1_000],
    ['second retry doubles', {}, 2, 2_000],
    ['third retry doubles again', {}, 3, 4_000],
    ['fifth retry', {}, 5, 16_000],
    ['is capped at maxBackoff', {}, 6, 30_000],
    ['stays capped far beyond it', {}, 40, 30_000],
    ['cap equal to the backoff keeps it constant', { maxBackoffMs: 1_000 }, 4, 1_000],
    ['multiplier 1 keeps it constant', { multiplier: 1 }, 7, 1_000],
    ['fractional multiplier', { backoffMs: 100, multiplier: 1.5 }, 3, 225],
    ['rounds to whole milliseconds', { backoffMs: 100, multiplier: 1.5 }, 4, 338],
    ['zero backoff retries at once', { backoffMs: 0, maxBackoffMs: 0 }, 3, 0],
    ['multiplier 3 below the cap', { backoffMs: 100, multiplier: 3, maxBackoffMs: 1_000 }, 3, 900],
    ['multiplier 3 at the cap', { backoffMs: 100, multiplier: 3, maxBackoffMs: 1_000 }, 4, 1_000],
  ])('%s', (_, overrides, failedAttempt, expected) => {
    expect(backoffDelayMs(policy(overrides), failedAttempt, noDraw)).toBe(expected);
  });

  it('never decreases as attempts grow and never exceeds the cap', () => {
    const p = policy({ backoffMs: 250, multiplier: 1.7, maxBackoffMs: 9_000 });
    const delays = Array.from({ length: 30 }, (_, i) => backoffDelayMs(p, i + 1, noDraw));

    expect(delays[0]).toBe(250);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(9_000);
  });

  it('returns a finite capped number when the exponent overflows', () => {
    expect(backoffDelayMs(policy({ multiplier: 10 }), 2_000, noDraw)).toBe(30_000);
  });
});

describe('backoffDelayMs with full jitter', () => {
  it('draws uniformly between 0 and the computed delay', () => {
    const jittered = policy({ jitter: 'full' });
    expect(backoffDelayMs(jittered, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(jittered, 3, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(jittered, 3, () => 0.999)).toBe(3_996);
    expect(backoffDelayMs(jittered, 40, () => 0.5)).toBe(15_000);
  });
});

describe('hasAttemptsLeft', () => {
  it.each<[number, number, boolean]>([
    [1, 0, true],
    [1, 1, false],
    [3, 1, true],
    [3, 2, true],
    [3, 3, false],
    [3, 4, false],
    [Number.POSITIVE_INFINITY, 1_000_000, true],
  ])('attempts %i, %i made → %s', (attempts, made, expected) => {
    expect(hasAttemptsLeft(policy({ attempts }), made)).toBe(expected);
  });
});
