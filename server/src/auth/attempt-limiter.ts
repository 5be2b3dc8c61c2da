import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sha256 } from '../crypto/random-token';

/**
 * Counts attempts per key within a fixed window: in memory for one process,
 * in Redis (with an in-memory insurance limiter for when Redis is away) when
 * several instances must share the count.
 */
export interface AttemptLimiter {
  /** Milliseconds until the key may try again, or 0 when it is under the limit. */
  blockedFor(key: string): Promise<number>;
  /**
   * Records an attempt. `exceeded`: this attempt went over the limit (retry after `retryAfterMs`).
   */
  hit(key: string): Promise<{ exceeded: boolean; retryAfterMs: number }>;
  reset(key: string): Promise<void>;
}

/**
 * `prefix`: the whole Redis key prefix, REDIS_KEY_PREFIX included (e.g. `gatehouse:login-account`).
 */
export function createAttemptLimiter(options: {
  prefix: string;
  points: number;
  windowSeconds: number;
  redis: Redis | undefined;
}): AttemptLimiter {
  const base = {
    points: options.points,
    duration: options.windowSeconds,
    keyPrefix: options.prefix,
  };
  const limiter = options.redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: options.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(base),
      })
    : new RateLimiterMemory(base);
  // Keys may contain emails: hash them so the store holds no personal data.
  const k = (key: string): string => sha256(key).toString('base64url');

  return {
    async blockedFor(key) {
      const res = await limiter.get(k(key));
      if (!res || res.consumedPoints < options.points) return 0;
      return Math.max(1, res.msBeforeNext);
    },
    async hit(key) {
      try {
        const res = await limiter.consume(k(key));
        return { exceeded: false, retryAfterMs: res.msBeforeNext };
      } catch (rej) {
        if (rej instanceof RateLimiterRes)
          return { exceeded: true, retryAfterMs: Math.max(1, rej.msBeforeNext) };
        throw rej;
      }
    },
    async reset(key) {
      await limiter.delete(k(key));
    },
  };
}
