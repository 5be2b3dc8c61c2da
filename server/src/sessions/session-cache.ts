import type { RevocationBus } from './revocation-bus';
import type { ValidatedSession } from './session-types';

/** A validated session held in memory, with the secret hash it was validated against. */
export interface SessionCacheEntry {
  readonly session: ValidatedSession;
  readonly secretHash: Buffer;
  readonly cachedAt: number;
}

/**
 * The in-process cache of validated sessions. It serves an entry only while
 * it is younger than `ttlMs` and the revocation bus is connected (a missed
 * revocation must not be served from memory), and drops entries the moment
 * any instance publishes their revocation. A database read that began before
 * an eviction is not stored (`stamp`): it may hold what the revocation just
 * removed, and would otherwise be served until the TTL.
 */
export class SessionCache {
  private readonly entries = new Map<string, SessionCacheEntry>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Bumped by every eviction: a read that began before one may not be stored. */
  private evictions = 0;

  constructor(
    private readonly bus: RevocationBus,
    private readonly ttlMs: number,
  ) {
    bus.subscribe((m) => {
      if ('userId' in m) this.evictUser(m.userId);
      else if ('sessionIds' in m) for (const id of m.sessionIds) this.evict(id);
    });
  }

  /** Whether entries may be stored and served now. */
  enabled(): boolean {
    return this.ttlMs > 0 && this.bus.isConnected();
  }

  /** The fresh entry for a session id, if the cache is enabled and holds one. */
  get(id: string, nowMs: number): SessionCacheEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry || !this.enabled() || nowMs - entry.cachedAt >= this.ttlMs) return undefined;
    return entry;
  }

  /** Taken before reading a session from the database, and handed to `set`. */
  stamp(): number {
    return this.evictions;
  }

  /** Stores a session read since `stamp` (no-op while disabled, or after an eviction since). */
  set(session: ValidatedSession, secretHash: Buffer, nowMs: number, stamp: number): void {
    if (!this.enabled() || stamp !== this.evictions) return;
    this.entries.set(session.id, { session, secretHash, cachedAt: nowMs });
    let ids = this.byUser.get(session.userId);
    if (!ids) this.byUser.set(session.userId, (ids = new Set()));
    ids.add(session.id);
  }

  evict(id: string): void {
    this.evictions += 1;
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.byUser.get(entry.session.userId)?.delete(id);
  }

  evictUser(userId: string): void {
    this.evictions += 1;
    for (const id of this.byUser.get(userId) ?? []) this.entries.delete(id);
    this.byUser.delete(userId);
  }
}
