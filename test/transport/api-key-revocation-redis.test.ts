// The API key cache across instances: a key revoked, rotated or whose owner is locked on one
// server process stops on another's cache through Redis pub/sub, within a second, before that
// cache would have expired.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../support/spawn-server';
import { REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';
import { signedInOnA, useTwoInstances } from '../support/two-instances';

/** How long an instance with Redis serves a key from memory (credentialCacheTtlMs). */
const CACHE_TTL_MS = 10_000;
/** What the issue asks of a revocation: every instance within a second. */
const REACH_MS = 1_000;

describe.runIf(TEST_DATABASE_URL && REDIS_URL)(
  'API key revocation between two instances through Redis',
  () => {
    const pair = useTwoInstances('key_revocation');
    const call = async (
      server: SpawnedServer,
      path: string,
      body: unknown,
      headers: Record<string, string>,
    ): Promise<{ status: number; data: unknown }> => {
      const res = await fetch(`${server.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url, ...headers },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { result?: { data: unknown } };
      return { status: res.status, data: json.result?.data };
    };
    const meWith = async (server: SpawnedServer, key: string): Promise<number> => {
      const res = await fetch(`${server.url}/trpc/auth.me`, {
        headers: { authorization: `Bearer ${key}` },
      });
      await res.arrayBuffer();
      return res.status;
    };
    const user = (email: string, admin = false) => signedInOnA(pair, email, { admin });
    const keyOf = async (cookie: string): Promise<{ key: string; id: string }> => {
      const created = await call(
        pair.a,
        'apiKeys.create',
        {
          name: `k-${randomUUID().slice(0, 8)}`,
          scopes: ['self:read'],
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        { cookie },
      );
      expect(created.status).toBe(200);
      const { key, apiKey } = created.data as { key: string; apiKey: { id: string } };
      return { key, id: apiKey.id };
    };
    /**
     * After `act` on A, how long until B refuses `key` (401), counted from the moment B had
     * just answered it from memory: only the bus message can make B refuse before its entry
     * expires.
     */
    const refusedOnBAfter = async (key: string, act: () => Promise<void>): Promise<number> => {
      expect(await meWith(pair.b, key)).toBe(200);
      const cachedBefore = Date.now();
      await act();
      const actedAt = Date.now();
      let status = await meWith(pair.b, key);
      while (status === 200 && Date.now() - cachedBefore < CACHE_TTL_MS) {
        await new Promise((r) => setTimeout(r, 10));
        status = await meWith(pair.b, key);
      }
      expect(status).toBe(401);
      return Date.now() - actedAt;
    };

    let owner: { cookie: string; id: string };
    beforeAll(async () => {
      owner = await user('key-cache-owner@example.com');
    });

    it('B answers a key from its cache: a revocation behind its back goes unseen', async () => {
      // Shown first, so the timings below prove the message rather than a database read.
      let cacheServes = false;
      for (let attempt = 0; attempt < 50 && !cacheServes; attempt++) {
        const probe = await keyOf(owner.cookie);
        expect(await meWith(pair.b, probe.key)).toBe(200);
        await pair.db.query('update api_keys set revoked_at = now() where id = $1', [probe.id]);
        cacheServes = (await meWith(pair.b, probe.key)) === 200;
        if (!cacheServes) await new Promise((r) => setTimeout(r, 100));
      }
      expect(cacheServes).toBe(true);
    });

    it('a revocation on A stops the key cached on B within a second', async () => {
      const { key, id } = await keyOf(owner.cookie);
      const took = await refusedOnBAfter(key, async () => {
        expect(
          (await call(pair.a, 'apiKeys.revoke', { id }, { cookie: owner.cookie })).status,
        ).toBe(200);
      });
      expect(took).toBeLessThan(REACH_MS);
    });

    it('a rotation without grace stops the old secret on B; the new one works there', async () => {
      const { key, id } = await keyOf(owner.cookie);
      let rotated = '';
      const took = await refusedOnBAfter(key, async () => {
        const answer = await call(
          pair.a,
          'apiKeys.rotate',
          { id, graceSeconds: 0 },
          { cookie: owner.cookie },
        );
        expect(answer.status).toBe(200);
        rotated = (answer.data as { key: string }).key;
      });
      expect(took).toBeLessThan(REACH_MS);
      expect(await meWith(pair.b, rotated)).toBe(200);
    });

    it('locking the owner on A stops their keys cached on B within a second', async () => {
      const target = await user('key-cache-locked@example.com');
      const admin = await user('key-cache-admin@example.com', true);
      const { key } = await keyOf(target.cookie);
      const took = await refusedOnBAfter(key, async () => {
        const locked = await call(
          pair.a,
          'admin.users.lock',
          { id: target.id },
          { cookie: admin.cookie },
        );
        expect(locked.status).toBe(200);
      });
      expect(took).toBeLessThan(REACH_MS);
    });
  },
);
