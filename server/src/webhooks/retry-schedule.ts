/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 12 * 3_600_000;

/**
 * The wait before attempt `attempts + 1`: `base · 2^(attempts-1)`, capped at
 * 12 h, with equal jitter (half fixed, half random) so receivers coming back
 * from an outage are not hit by every sender in the same second.
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number): number {
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
