// Session cache across instances: a revocation on one server process reaches
// another's cache through Redis pub/sub, before that cache would have expired.
import { describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../support/spawn-server';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';
import { useTwoInstances } from '../support/two-instances';

/**
 * How long an instance with Redis serves a session from its cache (cacheTtlMs in
 * server/src/create-app.ts).
 */
const SESSION_CACHE_TTL_MS = 10_000;

// Two processes share one database and one Redis, as two instances of a deployment do.
describe.runIf(TEST_DATABASE_URL && REDIS_URL)(
  'session revocation between two instances through Redis',
  () => {
    const pair = useTwoInstances('revocation');

    const post = (server: SpawnedServer, path: string, body: unknown, cookie?: string) =>
      fetch(`${server.url}/trpc/${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: server.url,
          ...(cookie ? { cookie } : {}),
        },
        body: JSON.stringify(body),
      });
    const me = async (server: SpawnedServer, cookie: string) => {
      const res = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
      await res.arrayBuffer();
      return res.status;
    };
    const signIn = async (email: string): Promise<string> => {
      const res = await post(pair.a, 'auth.signIn', { email, password: TEST_PASSWORD });
      expect(res.status).toBe(200);
      return (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    };
    const sessionId = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1).split('.')[0] ?? '';

    it('a sign-out on one instance stops the session cached on another (bus)', async () => {
      const email = 'two-instances@example.com';
      expect((await post(pair.a, 'auth.signUp', { email, password: TEST_PASSWORD })).status).toBe(
        200,
      );

      // First show that B serves sessions from its cache (its subscription is
      // up): a session deleted in the database behind B's back, with no message,
      // is still answered from memory. Only then does the timing below prove the
      // message, not a database read.
      let cacheServes = false;
      for (let attempt = 0; attempt < 50 && !cacheServes; attempt++) {
        const probe = await signIn(email);
        expect(await me(pair.b, probe)).toBe(200);
        await pair.db.query('delete from sessions where id = $1', [sessionId(probe)]);
        cacheServes = (await me(pair.b, probe)) === 200;
        if (!cacheServes) await new Promise((r) => setTimeout(r, 100));
      }
      expect(cacheServes).toBe(true);

      const cookie = await signIn(email);
      // B caches the session from this request on, for SESSION_CACHE_TTL_MS.
      const cachedBefore = Date.now();
      expect(await me(pair.b, cookie)).toBe(200);
      expect((await post(pair.a, 'auth.signOut', {}, cookie)).status).toBe(200);
      // Only the message can make B refuse while its entry is still fresh:
      // a 401 seen before the TTL ran out (counted from before B cached it)
      // proves it, however long the message took on this machine.
      let status = await me(pair.b, cookie);
      while (status === 200 && Date.now() - cachedBefore < SESSION_CACHE_TTL_MS) {
        await new Promise((r) => setTimeout(r, 20));
        status = await me(pair.b, cookie);
      }
      const refusedAfter = Date.now() - cachedBefore;
      expect(status).toBe(401);
      expect(refusedAfter).toBeLessThan(SESSION_CACHE_TTL_MS);
    });
  },
);
