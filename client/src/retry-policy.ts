/** How queries are retried on 429, 503 and network errors. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** First backoff step; it doubles each try. */
  readonly baseMs: number;
  /** Longest wait between tries; a longer `Retry-After` is not waited for. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  baseMs: 250,
  maxMs: 10_000,
});

/**
 * Exponential backoff with jitter: between half and all of
 * `min(maxMs, baseMs * 2^(retry-1))`, so that many clients that failed
 * together do not come back together.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
