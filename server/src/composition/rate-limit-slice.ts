import type { Logger } from 'pino';
import type { RateLimitDeps } from '../app-deps';
import type { Config } from '../config';
import { createRateLimiter } from '../ratelimit/rate-limiter';
import type { Slice } from './slice';

/** The request budgets: in Redis when REDIS_URL is set, in memory otherwise. */
export function rateLimitSlice(config: Config, log: Logger): Slice<RateLimitDeps> {
  const rateLimiter = createRateLimiter({
    limits: config.rateLimits,
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    log,
  });
  return { deps: { rateLimiter }, close: () => rateLimiter.close() };
}
