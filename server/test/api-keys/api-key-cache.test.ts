import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from '../../src/api-keys/api-key-cache';
import type { ApiKeyWithOwnerRow } from '../../src/api-keys/api-key-queries';
import { createLocalRevocationBus, type RevocationBus } from '../../src/sessions/revocation-bus';

function rowOf(id: string, userId: string): ApiKeyWithOwnerRow {
  return {
    id,
    name: id,
    scopes: ['project:read'],
    org_id: null,
    expires_at: new Date(Date.now() + 86_400_000),
    created_at: new Date(),
    last_used_at: null,
    revoked_at: null,
    previous_expires_at: null,
    user_id: userId,
    secret_hash: new Uint8Array(32),
    previous_secret_hash: null,
    email: `${userId}@example.com`,
    role: 'user',
    locked_at: null,
    email_verified_at: new Date(),
  };
}

describe('the API key cache', () => {
  const filled = (bus: RevocationBus = createLocalRevocationBus()) => {
    const cache = new ApiKeyCache(bus, 10_000);
    for (const [id, user] of [
      ['k1', 'alice'],
      ['k2', 'alice'],
      ['k3', 'bob'],
    ] as const)
      cache.set(rowOf(id, user), 0, cache.stamp());
    const held = (): string[] => ['k1', 'k2', 'k3'].filter((id) => cache.get(id, 1) !== undefined);
    return { cache, bus, held };
  };

  it('serves an entry until its TTL, then reads again', () => {
    const { cache } = filled();
    expect(cache.get('k1', 9_999)?.id).toBe('k1');
    expect(cache.get('k1', 10_000)).toBeUndefined();
  });

  it('drops keys named by any instance: revoked, rotated or exposed', async () => {
    const { bus, held } = filled();
    await bus.publish({ apiKeyIds: ['k2'] });
    expect(held()).toEqual(['k1', 'k3']);
    await bus.publish({ accessTokens: { apiKeyId: 'k1', at: 1 } });
    expect(held()).toEqual(['k3']);
  });

  it('drops every key of a user whose access changed (lock, role, reset)', async () => {
    const first = filled();
    await first.bus.publish({ userId: 'alice' });
    expect(first.held()).toEqual(['k3']);
    const second = filled();
    await second.bus.publish({ accessTokens: { userId: 'bob', at: 1 } });
    expect(second.held()).toEqual(['k1', 'k2']);
    // Session messages leave keys alone.
    await second.bus.publish({ sessionIds: ['k1'] });
    expect(second.held()).toEqual(['k1', 'k2']);
  });

  it('serves and stores nothing while the bus is disconnected, or with a TTL of 0', () => {
    let connected = true;
    const local = createLocalRevocationBus();
    const bus: RevocationBus = { ...local, isConnected: () => connected };
    const { cache, held } = filled(bus);
    connected = false;
    expect(held()).toEqual([]);
    cache.set(rowOf('k4', 'carol'), 0, cache.stamp());
    connected = true;
    expect(cache.get('k4', 1)).toBeUndefined();
    const off = new ApiKeyCache(local, 0);
    off.set(rowOf('k5', 'carol'), 0, off.stamp());
    expect(off.get('k5', 0)).toBeUndefined();
  });

  it('does not store a read that began before an eviction (it may predate it)', async () => {
    const { cache, bus } = filled();
    const stamp = cache.stamp(); // a request starts reading k9 from the database…
    await bus.publish({ apiKeyIds: ['k9'] }); // …k9 is revoked meanwhile…
    cache.set(rowOf('k9', 'dave'), 0, stamp); // …and its read must not be cached.
    expect(cache.get('k9', 1)).toBeUndefined();
    cache.set(rowOf('k9', 'dave'), 0, cache.stamp());
    expect(cache.get('k9', 1)?.id).toBe('k9');
  });

  it('stays bounded: a full cache starts over rather than grow', () => {
    const cache = new ApiKeyCache(createLocalRevocationBus(), 10_000, 2);
    cache.set(rowOf('a', 'u'), 0, cache.stamp());
    cache.set(rowOf('b', 'u'), 0, cache.stamp());
    cache.set(rowOf('c', 'u'), 0, cache.stamp());
    expect(['a', 'b', 'c'].filter((id) => cache.get(id, 1))).toEqual(['c']);
  });
});
