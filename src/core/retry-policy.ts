import type { RetryPolicy } from './definition/types';

/**
 * Delay before the attempt after `failedAttempt` (1-based): backoff × multiplier^(n-1), capped; with full jitter, a
 * uniform draw between 0 and that (`random()` in [0, 1)).
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const delay = Math.min(
    policy.backoffMs * Math.pow(policy.multiplier, failedAttempt - 1),
    policy.maxBackoffMs,
  );
  return Math.round(policy.jitter === 'full' ? random() * delay : delay);
}

export function hasAttemptsLeft(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.attempts;
}
