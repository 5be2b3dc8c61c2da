import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The shared Redis connection. Commands fail fast while Redis is away
 * (no offline queue) so callers fall back to their insurance paths instead
 * of hanging; reconnection is retried in the background and logged once per
 * outage.
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down)
      log.warn(
        { err: { message: err.message } },
        'redis unavailable; using per-instance fallbacks',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis connection restored');
    down = false;
  });
  return redis;
}
