import { RevocableCache } from './revocable-cache';
import type { RevocationBus } from './revocation-bus';
import type { ValidatedSession } from './session-types';

/** A validated session held in memory, with the secret hash it was validated against. */
export interface SessionCacheEntry {
  readonly session: ValidatedSession;
  readonly secretHash: Buffer;
}

/**
 * The in-process cache of validated sessions (revocable-cache.ts: short-lived, served only
 * while the bus is up, no read stored that overlapped an eviction), dropped the moment any
 * instance publishes their revocation: `sessionIds`, or `userId` for all of a user's (and the
 * impersonations that user holds as an administrator).
 */
export class SessionCache {
  private readonly cache: RevocableCache<SessionCacheEntry>;

  constructor(bus: RevocationBus, ttlMs: number) {
    // An impersonation is dropped with its user's sessions and with its administrator's.
    this.cache = new RevocableCache(bus, ttlMs, (e) => {
      const admin = e.session.impersonation?.adminId;
      return admin === undefined ? [e.session.userId] : [e.session.userId, admin];
    });
    bus.subscribe((m) => {
      if ('userId' in m) this.cache.evictGroup(m.userId);
      else if ('sessionIds' in m) for (const id of m.sessionIds) this.cache.evict(id);
    });
  }

  enabled(): boolean {
    return this.cache.enabled();
  }

  get(id: string, nowMs: number): SessionCacheEntry | undefined {
    return this.cache.get(id, nowMs);
  }

  /** Taken before reading a session from the database, and handed to `set`. */
  stamp(): number {
    return this.cache.stamp();
  }

  set(session: ValidatedSession, secretHash: Buffer, nowMs: number, stamp: number): void {
    this.cache.set(session.id, { session, secretHash }, nowMs, stamp);
  }

  evict(id: string): void {
    this.cache.evict(id);
  }

  evictUser(userId: string): void {
    this.cache.evictGroup(userId);
  }
}
