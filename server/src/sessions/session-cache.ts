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
 * any instance publishes their revocation.
 */
export class SessionCache {
  private readonly entries = new Map<string, SessionCacheEntry>();
  private readonly byUser = new Map<string, Set<string>>();

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

  /** Stores a session (no-op while the cache is disabled). */
  set(session: ValidatedSession, secretHash: Buffer, nowMs: number): void {
    if (!this.enabled()) return;
    this.entries.set(session.id, { session, secretHash, cachedAt: nowMs });
    let ids = this.byUser.get(session.userId);
    if (!ids) this.byUser.set(session.userId, (ids = new Set()));
    ids.add(session.id);
  }

  evict(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.byUser.get(entry.session.userId)?.delete(id);
  }

  evictUser(userId: string): void {
    for (const id of this.byUser.get(userId) ?? []) this.entries.delete(id);
    this.byUser.delete(userId);
  }
}
