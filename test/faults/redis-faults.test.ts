// Fault 4: Redis stopped and restarted under load.
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { IN_CI } from '../support/test-env';
import { startOwnRedis } from '../transport/own-redis-server';
import { load, sleep, startTenant, type Outcome } from './fault-fixture';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(hasRedisServer() || IN_CI)('Redis faults (own redis-server)', () => {
  it('4. Redis stopped and restarted under load: served throughout on the insurance limiter, shared limits restored after', async () => {
    const redis = await startOwnRedis();
    const tenant = await startTenant({ GATEHOUSE_DATA_DIR: 'memory://', REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'faults' });
    try {
      const get = async (path: string, headers: Record<string, string> = {}): Promise<Outcome> => ({ status: (await fetch(`${tenant.server.url}${path}`, { headers })).status });
      const stop = new AbortController();
      const running = load(4, stop.signal, (i) => (i % 2 === 0 ? get('/trpc/system.version') : get('/trpc/auth.me', { cookie: tenant.cookie })));
      await sleep(800);
      await redis.kill();
      await sleep(2_000);
      await redis.restart();
      await sleep(3_000);
      stop.abort();
      const outcomes = await running;
      expect(outcomes.length).toBeGreaterThan(100);
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
      expect(tenant.server.output.join('\n')).toMatch(/redis/i);
    } finally {
      await tenant.server.stop();
      await redis.kill();
    }
  });
});
