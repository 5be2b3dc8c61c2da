// Fault 4: Redis stopped and restarted under load.
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { IN_CI } from '../support/test-env';
import { startOwnRedis } from '../transport/own-redis-server';
import { waitForLog } from '../transport/wait-for-log';
import { load, startTenant, until, type Outcome } from './fault-fixture';

const DOWN = 'rate limits: Redis unavailable, per-instance insurance limiter in use';
const BACK = 'rate limits: Redis back, limits shared across instances';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(hasRedisServer() || IN_CI)('Redis faults (own redis-server)', () => {
  it('4. Redis restarted under load: served on insurance limits, shared ones return', async () => {
    const redis = await startOwnRedis();
    const tenant = await startTenant({
      GATEHOUSE_DATA_DIR: 'memory://',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'faults',
    });
    try {
      const get = async (path: string, headers: Record<string, string> = {}): Promise<Outcome> => ({
        status: (await fetch(`${tenant.server.url}${path}`, { headers })).status,
      });
      let served = 0;
      const stop = new AbortController();
      const running = load(4, stop.signal, async (i) => {
        const outcome = await (i % 2 === 0
          ? get('/trpc/system.version')
          : get('/trpc/auth.me', { cookie: tenant.cookie }));
        served++;
        return outcome;
      });
      // Each phase ends when its effect has been seen: so many requests answered, the outage and
      // the return logged.
      const servedFor = async (n: number, what: string): Promise<void> => {
        const from = served;
        await until(() => served >= from + n, what);
      };
      await servedFor(30, 'requests served before the outage');
      const outageFrom = tenant.server.output.length;
      await redis.kill();
      await waitForLog(tenant.server.output, (l) => l.msg === DOWN, {
        from: outageFrom,
        timeoutMs: 60_000,
      });
      await servedFor(30, 'requests served while Redis is down');
      const backFrom = tenant.server.output.length;
      await redis.restart();
      await waitForLog(tenant.server.output, (l) => l.msg === BACK, {
        from: backFrom,
        timeoutMs: 60_000,
      });
      await servedFor(30, 'requests served after Redis is back');
      stop.abort();
      const outcomes = await running;
      expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
      expect(tenant.server.process.exitCode).toBeNull();
      // After the restart the budgets live in Redis again.
      for (let i = 0; i < 5; i++) await get('/trpc/system.version');
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys('faults*');
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        client.disconnect();
      }
    } finally {
      await tenant.server.stop();
      await redis.kill();
    }
  });
});
