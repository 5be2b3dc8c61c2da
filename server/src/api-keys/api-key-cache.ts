import type { RevocationBus } from '../sessions/revocation-bus';
import type { ApiKeyWithOwnerRow } from './api-key-queries';

interface Entry {
  readonly row: ApiKeyWithOwnerRow;
  readonly cachedAt: number;
}

/**
 * The in-process cache of API keys that authenticated, with their owner as
 * read then (role, lock, verified email), so a key's next calls read no
 * database. The same rules as the session cache: an entry is served only
 * while it is younger than `ttlMs` and the revocation bus is connected (a
 * missed revocation must never be served from memory), and it is dropped the
 * moment any instance says so:
 *
 * - `apiKeyIds` (revoke, rotate, exposure): those keys;
 * - `userId` (lock, unlock, role change, password reset, email verified,
 *   two-factor change): every key of that user;
 * - `accessTokens` (a key revoked, a user's tokens ended): the key, or every
 *   key of the user.
 *
 * It holds what the database row holds (secret hashes, never secrets), and
 * only keys that passed every check; each call still compares the presented
 * secret and the expiry against the entry. A database read that began before
 * an eviction is not stored (`stamp`): it may hold what the revocation just
 * removed, and would otherwise be served until the TTL.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Bumped by every eviction: a read that began before one may not be stored. */
  private evictions = 0;

  constructor(
    private readonly bus: RevocationBus,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {
    bus.subscribe((m) => {
      if ('apiKeyIds' in m) for (const id of m.apiKeyIds) this.evict(id);
      else if ('userId' in m) this.evictUser(m.userId);
      else if ('accessTokens' in m) {
        const { apiKeyId, userId } = m.accessTokens;
        if (typeof apiKeyId === 'string') this.evict(apiKeyId);
        if (typeof userId === 'string') this.evictUser(userId);
      }
    });
  }

  /** Whether entries may be stored and served now. */
  enabled(): boolean {
    return this.ttlMs > 0 && this.bus.isConnected();
  }

  /** The fresh row of a key id, if the cache is enabled and holds one. */
  get(id: string, nowMs: number): ApiKeyWithOwnerRow | undefined {
    const entry = this.entries.get(id);
    if (!entry || !this.enabled()) return undefined;
    if (nowMs - entry.cachedAt >= this.ttlMs) {
      this.evict(id);
      return undefined;
    }
    return entry.row;
  }

  /** Taken before reading a key from the database, and handed to `set`. */
  stamp(): number {
    return this.evictions;
  }

  /** Stores a key read since `stamp` that authenticated (no-op while disabled or evicted since). */
  set(row: ApiKeyWithOwnerRow, nowMs: number, stamp: number): void {
    if (!this.enabled() || stamp !== this.evictions) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(row.id)) this.clear();
    this.entries.set(row.id, { row, cachedAt: nowMs });
    let ids = this.byUser.get(row.user_id);
    if (!ids) this.byUser.set(row.user_id, (ids = new Set()));
    ids.add(row.id);
  }

  evict(id: string): void {
    this.evictions += 1;
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.byUser.get(entry.row.user_id)?.delete(id);
  }

  evictUser(userId: string): void {
    this.evictions += 1;
    for (const id of this.byUser.get(userId) ?? []) this.entries.delete(id);
    this.byUser.delete(userId);
  }

  private clear(): void {
    this.entries.clear();
    this.byUser.clear();
  }
}
