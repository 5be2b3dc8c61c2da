import type { Logger } from 'pino';
import type { RedisDeps } from '../app-deps';
import type { Config } from '../config';
import { createRedis } from '../redis/create-redis';
import { createRedisRevocationBus } from '../sessions/redis-revocation-bus';
import { createLocalRevocationBus, type RevocationBus } from '../sessions/revocation-bus';
import type { Slice } from './slice';

/**
 * Redis (REDIS_URL) and the revocation bus on it: pub/sub between instances
 * with Redis, in-process without.
 */
export function busSlice(
  config: Config,
  log: Logger,
): Slice<RedisDeps & { readonly bus: RevocationBus }> {
  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  const bus = redis
    ? createRedisRevocationBus(redis, log, config.redisKeyPrefix)
    : createLocalRevocationBus();
  return {
    deps: { redis, bus },
    close: async () => {
      await bus.close();
      redis?.disconnect();
    },
  };
}
