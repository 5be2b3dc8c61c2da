import type { IncomingHttpHeaders } from 'node:http';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { RateClass } from '../pipeline/meta';
import { ipRateKey } from './ip-rate-key';
import { rateLimitFields, type PolicyState } from './rate-limit-fields';

const WINDOW_SECONDS = 60;

export interface RateVerdict {
  readonly allowed: boolean;
  /** Whole seconds until a retry may succeed (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** Where the advertised headers go: the HTTP response, or a procedure's response control. */
export interface HeaderSink {
  setHeader(name: string, value: string): void;
}

/**
 * What the pipeline knows about one call. `headers` identifies the HTTP request (shared by a
 * batch's calls).
 */
export interface CallIdentity {
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
  readonly principal: {
    readonly kind: string;
    readonly userId: string;
    readonly apiKeyId: string | undefined;
  } | null;
  readonly response: HeaderSink;
}

/**
 * The three budgets of the issue, each a fixed one-minute window:
 * per client IP (front door, before authentication), per principal and per
 * procedure class (pipeline). Every step advertises its state in the
 * `RateLimit-Policy` / `RateLimit` fields, allowed or not.
 */
export interface RateLimiter {
  readonly store: 'memory' | 'redis';
  /** Front door: spends `units` (one per call in a batch) of the IP's budget. */
  limitRequest(
    request: { readonly headers: IncomingHttpHeaders; readonly ip: string },
    response: HeaderSink,
    units: number,
  ): Promise<RateVerdict>;
  /** Pipeline: spends one unit of the principal's budget (if any) and of the class's budget. */
  limitCall(call: CallIdentity, rateClass: RateClass): Promise<RateVerdict>;
  /** Closes its Redis connection. */
  close(): void;
}

export interface RateLimiterOptions {
  readonly limits: Config['rateLimits'];
  /** `REDIS_URL`: one budget shared by every instance; unset: per-process memory. */
  readonly redisUrl: string | undefined;
  /** Redis key prefix, so deployments (or test runs) sharing one Redis keep apart. */
  readonly keyPrefix: string;
  readonly log: Logger;
}

interface Budget {
  readonly name: string;
  readonly quota: number;
  readonly limiter: RateLimiterAbstract;
}

/**
 * Builds the limiter on rate-limiter-flexible. With Redis every instance
 * shares one budget; when Redis is away each instance falls back to its own
 * in-memory insurance limiter (the library's `insuranceLimiter`), logs that
 * once, and uses Redis again as soon as the connection is ready.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limits, keyPrefix, log } = options;
  const redis = options.redisUrl ? connectRedis(options.redisUrl) : undefined;
  const budget = (name: string, quota: number): Budget => {
    const base = { points: quota, duration: WINDOW_SECONDS, keyPrefix: `${keyPrefix}:rl:${name}` };
    const limiter = redis
      ? new RateLimiterRedis({
          ...base,
          storeClient: redis,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(base),
        })
      : new RateLimiterMemory(base);
    return { name, quota, limiter };
  };
  const ip = budget('ip', limits.ipPerMinute);
  const principal = budget('principal', limits.principalPerMinute);
  const classes: Record<RateClass, Budget> = {
    auth: budget('auth', limits.auth),
    read: budget('read', limits.read),
    write: budget('write', limits.write),
    admin: budget('admin', limits.admin),
  };

  // A request's policies so far, keyed by its headers object: the front door
  // and every call of a batch add theirs, and each write carries them all.
  const perRequest = new WeakMap<object, Map<string, PolicyState>>();
  const advertise = (request: object, sink: HeaderSink, state: PolicyState): void => {
    let states = perRequest.get(request);
    if (!states) perRequest.set(request, (states = new Map()));
    states.set(state.name, state);
    const fields = rateLimitFields(states.values());
    sink.setHeader('ratelimit-policy', fields.policy);
    sink.setHeader('ratelimit', fields.limit);
  };

  const spend = async (
    b: Budget,
    key: string,
    units: number,
    request: object,
    sink: HeaderSink,
  ): Promise<RateVerdict> => {
    let res: RateLimiterRes;
    let allowed = true;
    try {
      res = await b.limiter.consume(key, units);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      res = rejection;
      allowed = false;
    }
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    advertise(request, sink, {
      name: b.name,
      quota: b.quota,
      windowSeconds: WINDOW_SECONDS,
      remaining: allowed ? res.remainingPoints : 0,
      resetSeconds,
    });
    return { allowed, retryAfterSeconds: allowed ? 0 : resetSeconds };
  };

  const detach = redis ? watchRedis(redis, log) : (): void => undefined;
  const close = (): void => {
    detach();
    redis?.disconnect();
  };

  return {
    store: redis ? 'redis' : 'memory',
    limitRequest: (request, response, units) =>
      spend(ip, ipRateKey(request.ip), Math.max(1, units), request.headers, response),
    async limitCall(call, rateClass) {
      const who = call.principal
        ? `${call.principal.kind}:${call.principal.apiKeyId ?? call.principal.userId}`
        : undefined;
      if (who) {
        const verdict = await spend(principal, who, 1, call.headers, call.response);
        // A class budget at or above the principal's, over the same window and key, can
        // never run out first (every call spends both): not spent, not advertised.
        if (!verdict.allowed || classes[rateClass].quota >= principal.quota) return verdict;
      }
      // Anonymous calls (sign-in, sign-up...) share their class budget per IP.
      return spend(
        classes[rateClass],
        who ?? `ip:${ipRateKey(call.ip)}`,
        1,
        call.headers,
        call.response,
      );
    },
    close,
  };
}

/**
 * Its own connection, so the limiter's fail-fast settings are its own:
 * while Redis is away, commands fail at once (no offline queue) and the
 * insurance limiter answers; reconnection retries in the background.
 */
function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    connectionName: 'gatehouse-rate-limits',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Errors surface through watchRedis; an unhandled 'error' event would crash.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Logs once when rate limits fall back to per-instance insurance, and once when they are shared
 * again.
 */
function watchRedis(redis: Redis, log: Logger): () => void {
  let degraded = false;
  let connected = false;
  const down = (): void => {
    if (degraded) return;
    degraded = true;
    log.warn('rate limits: Redis unavailable, per-instance insurance limiter in use');
  };
  const up = (): void => {
    if (!connected) log.info('rate limits: shared across instances through Redis');
    else if (degraded) log.info('rate limits: Redis back, limits shared across instances');
    connected = true;
    degraded = false;
  };
  redis.on('error', down);
  redis.on('close', down);
  redis.on('ready', up);
  return () => {
    redis.off('error', down);
    redis.off('close', down);
    redis.off('ready', up);
  };
}
