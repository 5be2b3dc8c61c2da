import { RevocableCache } from '../sessions/revocable-cache';
import type { RevocationBus } from '../sessions/revocation-bus';
import type { ApiKeyWithOwnerRow } from './api-key-queries';

/**
 * The in-process cache of API keys that authenticated, with their owner as read then (role,
 * lock, verified email), so a key's next calls read no database. The session cache's rules
 * (revocable-cache.ts), and dropped the moment any instance says so:
 *
 * - `apiKeyIds` (revoke, rotate): those keys;
 * - `userId` (lock, unlock, role change, password reset, email verified, two-factor change):
 *   every key of that user;
 * - `accessTokens` (a key revoked or exposed, a user's tokens ended): the key, or every key of
 *   the user.
 *
 * It holds what the database row holds (secret hashes, never secrets), and only keys that
 * passed every check; each call still compares the presented secret and the expiry.
 */
export class ApiKeyCache {
  private readonly cache: RevocableCache<ApiKeyWithOwnerRow>;

  constructor(bus: RevocationBus, ttlMs: number, maxEntries?: number) {
    this.cache = new RevocableCache(bus, ttlMs, (row) => [row.user_id], maxEntries);
    bus.subscribe((m) => {
      if ('apiKeyIds' in m) for (const id of m.apiKeyIds) this.cache.evict(id);
      else if ('userId' in m) this.cache.evictGroup(m.userId);
      else if ('accessTokens' in m) {
        const { apiKeyId, userId } = m.accessTokens;
        if (typeof apiKeyId === 'string') this.cache.evict(apiKeyId);
        if (typeof userId === 'string') this.cache.evictGroup(userId);
      }
    });
  }

  /** The fresh row of a key id, if the cache is enabled and holds one. */
  get(id: string, nowMs: number): ApiKeyWithOwnerRow | undefined {
    return this.cache.get(id, nowMs);
  }

  /** Taken before reading a key from the database, and handed to `set`. */
  stamp(): number {
    return this.cache.stamp();
  }

  /** Stores a key read since `stamp` that authenticated. */
  set(row: ApiKeyWithOwnerRow, nowMs: number, stamp: number): void {
    this.cache.set(row.id, row, nowMs, stamp);
  }
}
