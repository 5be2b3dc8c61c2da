import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server';
import { REDIS_URL } from '../support/test-env';
import { startOwnRedis, type OwnRedis } from './own-redis-server';
import { waitForLog } from './wait-for-log';

const SHARED = 'rate limits: shared across instances through Redis';
const DOWN = 'rate limits: Redis unavailable, per-instance insurance limiter in use';
const BACK = 'rate limits: Redis back, limits shared across instances';

async function statusOf(server: SpawnedServer): Promise<number> {
  const res = await fetch(`${server.url}/trpc/system.version`);
  await res.arrayBuffer();
  return res.status;
}

async function twoServers(
  redisUrl: string,
  limit: number,
): Promise<[SpawnedServer, SpawnedServer]> {
  // A unique key prefix per run: runs sharing one Redis never see each other's counts.
  const env = {
    GATEHOUSE_DATA_DIR: 'memory://',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `gatehouse-test-${randomUUID()}`,
    RATE_LIMIT_IP_PER_MINUTE: String(limit),
  };
  const servers = await Promise.all([spawnServer(env), spawnServer(env)]);
  expect(servers[0].port).not.toBe(servers[1].port);
  await Promise.all(servers.map((s) => waitForLog(s.output, (l) => l.msg === SHARED)));
  return servers;
}

const count = (output: readonly string[], msg: string): number =>
  output.filter((l) => l.includes(`"msg":"${msg}"`)).length;

// CI runs with REDIS_URL (global-setup fails the run without it); the outage test also needs the
// redis-server binary.
describe.runIf(REDIS_URL)('rate limits shared through Redis by several instances', () => {
  let servers: SpawnedServer[] = [];
  let ownRedis: OwnRedis | undefined;
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });
  afterAll(async () => ownRedis?.kill());

  it('enforces one combined per-IP limit across two server processes', async () => {
    const [a, b] = await twoServers(REDIS_URL!, 10);
    servers = [a, b];
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await statusOf(i % 2 === 0 ? a : b));
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
    // Each instance alone has seen only 5: the 11th is refused by whichever answers.
    expect(await statusOf(a)).toBe(429);
    expect(await statusOf(b)).toBe(429);
  });

  it('serves on per-instance insurance limits while Redis is down, shares them after', async () => {
    ownRedis = await startOwnRedis();
    const [a, b] = await twoServers(ownRedis.url, 6);
    servers = [a, b];
    // Shared: 3 + 3, then both refuse.
    for (let i = 0; i < 3; i++) expect([await statusOf(a), await statusOf(b)]).toEqual([200, 200]);
    expect(await statusOf(a)).toBe(429);

    await ownRedis.kill();
    await Promise.all([a, b].map((s) => waitForLog(s.output, (l) => l.msg === DOWN)));
    // Still answering: each instance now counts on its own (fresh) insurance limiter.
    const insured: number[] = [];
    for (let i = 0; i < 7; i++) insured.push(await statusOf(a));
    expect(insured).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(await statusOf(b)).toBe(200);
    // Logged once per outage, not once per request.
    expect(count(a.output, DOWN)).toBe(1);

    await ownRedis.restart();
    await Promise.all([a, b].map((s) => waitForLog(s.output, (l) => l.msg === BACK)));
    // Back on Redis (empty after the restart): A, exhausted in its insurance, is served again,
    // and the budget is shared once more.
    for (let i = 0; i < 3; i++) expect([await statusOf(a), await statusOf(b)]).toEqual([200, 200]);
    expect(await statusOf(b)).toBe(429);
    expect(count(a.output, DOWN)).toBe(1);
  }, 180_000);
});
