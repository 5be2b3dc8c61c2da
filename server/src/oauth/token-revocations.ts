import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { RevocationBus } from '../sessions/revocation-bus';

/**
 * Which live access tokens must stop before they expire: those of an API key
 * revoked since they were issued, and those of an owner locked since. Held in
 * memory so verifying a token still reads no database: a revocation on this
 * instance takes effect at once, one on another instance within one
 * `refresh()` (create-app runs it every few seconds, off the request path).
 * Only events younger than a token's lifetime matter, so the lists stay small.
 */
export interface TokenRevocations {
  /** Whether a token of this key and owner, issued at `issuedAtSeconds` (its `iat`), is dead. */
  isRevoked(token: { readonly clientId: string; readonly userId: string; readonly issuedAtSeconds: number }): boolean;
  /** This instance revoked the key just now. */
  keyRevoked(apiKeyId: string): void;
  /** Keys revoked in the database just now (account recovery): stopped here at once, and on every instance through the revocation bus. */
  keysRevoked(apiKeyIds: readonly string[]): Promise<void>;
  /** Reloads revocations and locks from the last `windowMs` (all instances' work). */
  refresh(): Promise<void>;
}

export function createTokenRevocations(options: { db: Kysely<Database>; windowMs: number; bus?: RevocationBus }): TokenRevocations {
  const { db, windowMs, bus } = options;
  // id → when revoked / locked (ms).
  const keys = new Map<string, number>();
  const users = new Map<string, number>();
  const local = new Map<string, number>();

  const forget = (m: Map<string, number>, now: number): void => {
    for (const [id, at] of m) if (at < now - windowMs) m.delete(id);
  };
  // Another instance's revocation arrives here at once with Redis; `refresh()` still catches it within seconds without.
  bus?.subscribe((m) => {
    if ('apiKeyIds' in m) for (const id of m.apiKeyIds) local.set(id, Date.now());
  });

  return {
    isRevoked({ clientId, userId, issuedAtSeconds }) {
      if (keys.has(clientId) || local.has(clientId)) return true;
      const lockedAt = users.get(userId);
      // A token issued before the lock dies; one issued after an unlock lives
      // (`iat` has whole seconds: one issued in the lock's own second dies too).
      return lockedAt !== undefined && issuedAtSeconds * 1000 <= lockedAt;
    },
    keyRevoked(apiKeyId) {
      local.set(apiKeyId, Date.now());
    },
    async keysRevoked(apiKeyIds) {
      if (apiKeyIds.length === 0) return;
      for (const id of apiKeyIds) local.set(id, Date.now());
      await bus?.publish({ apiKeyIds });
    },
    async refresh() {
      const since = new Date(Date.now() - windowMs);
      const [revoked, locked] = await Promise.all([
        db.selectFrom('api_keys').select(['id', 'revoked_at']).where('revoked_at', '>', since).execute(),
        db.selectFrom('users').select(['id', 'locked_at']).where('locked_at', '>', since).execute(),
      ]);
      // Merged, not replaced: an unlock clears locked_at, but tokens issued
      // before the lock stay dead until they expire.
      for (const r of revoked) keys.set(r.id, new Date(r.revoked_at ?? 0).getTime());
      for (const r of locked) users.set(r.id, Math.max(users.get(r.id) ?? 0, new Date(r.locked_at ?? 0).getTime()));
      const now = Date.now();
      for (const m of [keys, users, local]) forget(m, now);
    },
  };
}
