import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { RevocationBus } from '../sessions/revocation-bus';

/**
 * Which live access tokens must stop before they expire: those of an API key
 * revoked since they were issued, and those of an owner locked since. Held in
 * memory so verifying a token still reads no database: a revocation on this
 * instance takes effect at once, on the others at once through the
 * revocation bus (Redis pub/sub) and at the latest within one `refresh()`
 * (create-app runs it every few seconds, off the request path), which reads
 * the durable record: api_keys.revoked_at, users.locked_at and the per-user
 * watermark users.tokens_revoked_at, which an unlock never clears.
 * Only events younger than a token's lifetime matter, so the lists stay small.
 */
export interface TokenRevocations {
  /** Whether a token of this key and owner, issued at `issuedAtSeconds` (its `iat`), is dead. */
  isRevoked(token: {
    readonly clientId: string;
    readonly userId: string;
    readonly issuedAtSeconds: number;
  }): boolean;
  /** This instance revoked the key just now (told to the other instances too). */
  keyRevoked(apiKeyId: string): void;
  /**
   * This instance just ended the user's access (lock, demotion) and wrote
   * users.tokens_revoked_at (markUserTokensRevoked): their tokens issued
   * until now die here at once, and on the other instances through the bus.
   */
  userTokensRevoked(userId: string): void;
  /**
   * Keys revoked in the database just now (account recovery): stopped here at once, and on every
   * instance through the revocation bus.
   */
  keysRevoked(apiKeyIds: readonly string[]): Promise<void>;
  /** Reloads revocations and locks from the last `windowMs` (all instances' work). */
  refresh(): Promise<void>;
}

export function createTokenRevocations(options: {
  db: Kysely<Database>;
  windowMs: number;
  bus?: RevocationBus;
}): TokenRevocations {
  const { db, windowMs, bus } = options;
  // id → when revoked / locked (ms).
  const keys = new Map<string, number>();
  const users = new Map<string, number>();
  const local = new Map<string, number>();

  const forget = (m: Map<string, number>, now: number): void => {
    for (const [id, at] of m) if (at < now - windowMs) m.delete(id);
  };
  const later = (m: Map<string, number>, id: string, at: number): void => {
    m.set(id, Math.max(m.get(id) ?? 0, at));
  };
  const tell = (accessTokens: { apiKeyId?: string; userId?: string; at: number }): void => {
    // The local bus delivers to this instance too (harmless: `later` is idempotent).
    bus?.publish({ accessTokens }).catch(() => undefined);
  };
  bus?.subscribe((m) => {
    if (!('accessTokens' in m)) return;
    const { apiKeyId, userId, at } = m.accessTokens;
    if (typeof at !== 'number') return;
    if (typeof apiKeyId === 'string') later(keys, apiKeyId, at);
    if (typeof userId === 'string') later(users, userId, at);
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
      const at = Date.now();
      local.set(apiKeyId, at);
      tell({ apiKeyId, at });
    },
    userTokensRevoked(userId) {
      const at = Date.now();
      later(users, userId, at);
      tell({ userId, at });
    },
    async keysRevoked(apiKeyIds) {
      const at = Date.now();
      for (const apiKeyId of apiKeyIds) {
        local.set(apiKeyId, at);
        await bus?.publish({ accessTokens: { apiKeyId, at } }).catch(() => undefined);
      }
    },
    async refresh() {
      const since = new Date(Date.now() - windowMs);
      const [revoked, locked, watermarks] = await Promise.all([
        db
          .selectFrom('api_keys')
          .select(['id', 'revoked_at'])
          .where('revoked_at', '>', since)
          .execute(),
        db.selectFrom('users').select(['id', 'locked_at']).where('locked_at', '>', since).execute(),
        db
          .selectFrom('users')
          .select(['id', 'tokens_revoked_at'])
          .where('tokens_revoked_at', '>', since)
          .execute(),
      ]);
      // Merged, not replaced: an unlock clears locked_at, but tokens issued
      // before the lock stay dead until they expire (the watermark keeps
      // that across restarts and a lock + unlock between two refreshes).
      for (const r of revoked) later(keys, r.id, new Date(r.revoked_at ?? 0).getTime());
      for (const r of locked) later(users, r.id, new Date(r.locked_at ?? 0).getTime());
      for (const r of watermarks) later(users, r.id, new Date(r.tokens_revoked_at ?? 0).getTime());
      const now = Date.now();
      for (const m of [keys, users, local]) forget(m, now);
    },
  };
}
