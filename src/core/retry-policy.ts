import type { RetryPolicy } from './definition/types';

/** Delay before the attempt after `failedAttempt` (1-based): backoff × multiplier^(n-1), capped. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const delay = policy.backoffMs * Math.pow(policy.multiplier, failedAttempt - 1);
  return Math.min(Math.round(delay), policy.maxBackoffMs);
}

export function hasAttemptsLeft(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.attempts;
}
