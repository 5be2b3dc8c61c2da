import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type CallIdentity } from '../../src/ratelimit/rate-limiter';
import { rateLimitFields } from '../../src/ratelimit/rate-limit-fields';

const limits = { ipPerMinute: 5, principalPerMinute: 3, auth: 2, write: 10, read: 10, admin: 10 };

function sink(): { headers: Record<string, string>; setHeader(name: string, value: string): void } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (n, v) => (headers[n] = v) };
}

function call(
  principal: CallIdentity['principal'],
  ip = '198.51.100.1',
): CallIdentity & { response: ReturnType<typeof sink> } {
  return { headers: {}, ip, principal, response: sink() };
}

describe('rate limiter (memory store)', () => {
  it('formats the draft-11 structured fields', () => {
    expect(
      rateLimitFields([
        { name: 'ip', quota: 600, windowSeconds: 60, remaining: 12, resetSeconds: 30 },
      ]),
    ).toEqual({
      policy: '"ip";q=600;w=60',
      limit: '"ip";r=12;t=30',
    });
  });

  it('spends a unit per call of the per-IP budget, refusing past it with a delay', async () => {
    const limiter = createRateLimiter({
      limits,
      redisUrl: undefined,
      keyPrefix: 't',
      log: pino({ level: 'silent' }),
    });
    const out = sink();
    const first = await limiter.limitRequest({ headers: {}, ip: '203.0.113.1' }, out, 4);
    expect(first.allowed).toBe(true);
    expect(out.headers['ratelimit']).toMatch(/^"ip";r=1;t=\d+$/);
    expect(out.headers['ratelimit-policy']).toBe('"ip";q=5;w=60');
    const second = await limiter.limitRequest({ headers: {}, ip: '203.0.113.1' }, out, 2);
    expect(second.allowed).toBe(false);
    expect(second.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(out.headers['ratelimit']).toMatch(/^"ip";r=0;t=\d+$/);
    // Another address has its own budget.
    expect(
      (await limiter.limitRequest({ headers: {}, ip: '203.0.113.2' }, sink(), 1)).allowed,
    ).toBe(true);
    limiter.close();
  });

  it('keys the principal budget by principal, across classes and addresses', async () => {
    const limiter = createRateLimiter({
      limits,
      redisUrl: undefined,
      keyPrefix: 't',
      log: pino({ level: 'silent' }),
    });
    const alice = { kind: 'session', userId: 'alice', apiKeyId: undefined };
    expect((await limiter.limitCall(call(alice, '198.51.100.1'), 'read')).allowed).toBe(true);
    expect((await limiter.limitCall(call(alice, '198.51.100.2'), 'write')).allowed).toBe(true);
    const third = call(alice, '198.51.100.3');
    expect((await limiter.limitCall(third, 'read')).allowed).toBe(true);
    // read (10) is above the principal's 3: it can never run out first, so it is neither spent nor
    // advertised.
    expect(third.response.headers['ratelimit-policy']).toBe('"principal";q=3;w=60');
    expect(third.response.headers['ratelimit']).toMatch(/^"principal";r=0;t=\d+$/);
    expect((await limiter.limitCall(call(alice), 'read')).allowed).toBe(false);
    // An API key of the same user is another principal.
    expect(
      (await limiter.limitCall(call({ kind: 'apiKey', userId: 'alice', apiKeyId: 'k1' }), 'read'))
        .allowed,
    ).toBe(true);
    limiter.close();
  });

  it("spends and advertises a class budget below the principal's; it refuses first", async () => {
    const limiter = createRateLimiter({
      limits,
      redisUrl: undefined,
      keyPrefix: 't',
      log: pino({ level: 'silent' }),
    });
    const bob = { kind: 'session', userId: 'bob', apiKeyId: undefined };
    expect((await limiter.limitCall(call(bob), 'auth')).allowed).toBe(true);
    const second = call(bob);
    expect((await limiter.limitCall(second, 'auth')).allowed).toBe(true);
    expect(second.response.headers['ratelimit-policy']).toBe(
      '"principal";q=3;w=60, "auth";q=2;w=60',
    );
    expect(second.response.headers['ratelimit']).toMatch(
      /^"principal";r=1;t=\d+, "auth";r=0;t=\d+$/,
    );
    // auth (2) runs out before the principal's 3.
    expect((await limiter.limitCall(call(bob), 'auth')).allowed).toBe(false);
    limiter.close();
  });

  it('gives anonymous calls a per-IP class budget (auth is strict)', async () => {
    const limiter = createRateLimiter({
      limits,
      redisUrl: undefined,
      keyPrefix: 't',
      log: pino({ level: 'silent' }),
    });
    expect((await limiter.limitCall(call(null), 'auth')).allowed).toBe(true);
    expect((await limiter.limitCall(call(null), 'auth')).allowed).toBe(true);
    const refused = await limiter.limitCall(call(null), 'auth');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) as number });
    expect((await limiter.limitCall(call(null, '198.51.100.9'), 'auth')).allowed).toBe(true);
    expect((await limiter.limitCall(call(null), 'read')).allowed).toBe(true);
    limiter.close();
  });

  it('merges the policies of one request into one pair of fields', async () => {
    const limiter = createRateLimiter({
      limits,
      redisUrl: undefined,
      keyPrefix: 't',
      log: pino({ level: 'silent' }),
    });
    const headers = {};
    const out = sink();
    await limiter.limitRequest({ headers, ip: '203.0.113.7' }, out, 1);
    await limiter.limitCall(
      { headers, ip: '203.0.113.7', principal: null, response: out },
      'write',
    );
    expect(out.headers['ratelimit-policy']).toBe('"ip";q=5;w=60, "write";q=10;w=60');
    limiter.close();
  });
});
