import { constantTimeEqual } from '../crypto/random-token';
import { SessionCache } from './session-cache';
import {
  deleteSession,
  deleteUserSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  listUserSessions,
  markSessionReauthenticated,
  touchSession,
} from './session-queries';
import { mintSessionToken, parseSessionToken } from './session-token';
import type {
  SessionListItem,
  SessionService,
  SessionServiceOptions,
  ValidatedSession,
} from './session-types';
import { toSessionListItem, toValidatedSession } from './to-session';

export type {
  SessionListItem,
  SessionService,
  SessionServiceOptions,
  ValidatedSession,
} from './session-types';

const HOUR = 3_600_000;

/**
 * Lucia-style sessions over the database: SHA-256 of the secret stored,
 * constant-time comparison, idle expiry bumped at most hourly, an absolute
 * lifetime, and a short in-process cache whose entries every instance drops
 * as soon as a revocation is published (session-cache.ts).
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { db, idleMs, absoluteMs, bus } = options;
  const now = options.now ?? ((): Date => new Date());
  const cache = new SessionCache(bus, options.cacheTtlMs);

  async function create(
    userId: string,
    meta: { ip: string | null; userAgent: string | null; authLevel?: 'password' | 'mfa' },
  ): Promise<{ token: string; session: SessionListItem }> {
    const minted = mintSessionToken();
    const t = now();
    const row = await insertSession(db, {
      id: minted.id,
      secretHash: minted.secretHash,
      userId,
      authLevel: meta.authLevel ?? 'password',
      now: t,
      expiresAt: new Date(t.getTime() + absoluteMs),
      ip: meta.ip,
      userAgent: meta.userAgent ? meta.userAgent.slice(0, 512) : null,
    });
    return { token: minted.token, session: toSessionListItem(row, idleMs) };
  }

  async function validate(token: string): Promise<ValidatedSession | undefined> {
    const parsed = parseSessionToken(token);
    if (!parsed) return undefined;
    const t = now();
    const cached = cache.get(parsed.id, t.getTime());
    if (cached) {
      if (!constantTimeEqual(cached.secretHash, parsed.secretHash)) return undefined;
      if (cached.session.expiresAt > t) return cached.session;
      cache.evict(parsed.id);
    }
    const row = await findSessionWithUser(db, parsed.id);
    if (!row) return undefined;
    const stored = Buffer.from(row.secret_hash);
    if (!constantTimeEqual(stored, parsed.secretHash)) return undefined;
    let session = toValidatedSession(row, idleMs);
    if (session.expiresAt <= t || row.locked_at !== null) {
      await deleteSession(db, row.id);
      cache.evict(row.id);
      return undefined;
    }
    // Record use at most once an hour: a busy session costs no write per request.
    if (t.getTime() - session.lastUsedAt.getTime() >= HOUR) {
      await touchSession(db, row.id, t);
      session = toValidatedSession({ ...row, last_used_at: t }, idleMs);
    }
    cache.set(session, stored, t.getTime());
    return session;
  }

  return {
    create,
    validate,

    async revokeOwn(userId, sessionId) {
      const result = await deleteUserSession(db, userId, sessionId);
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) await bus.publish({ sessionIds: [sessionId] });
      return removed;
    },

    async revoke(sessionId) {
      await deleteSession(db, sessionId);
      await bus.publish({ sessionIds: [sessionId] });
    },

    async revokeAllForUser(userId, opts) {
      const ids = await deleteUserSessions(db, userId, opts?.exceptId);
      if (ids.length > 0) await bus.publish({ sessionIds: ids });
      return ids.length;
    },

    async forgetUser(userId) {
      await bus.publish({ userId });
    },

    async list(userId) {
      const rows = await listUserSessions(db, userId, now());
      return rows.map((r) => toSessionListItem(r, idleMs));
    },

    async markReauthenticated(sessionId, authLevel) {
      await markSessionReauthenticated(db, sessionId, now(), authLevel);
      await bus.publish({ sessionIds: [sessionId] });
    },

    cookieMaxAgeSeconds(session) {
      return Math.max(0, Math.floor((session.expiresAt.getTime() - now().getTime()) / 1000));
    },
  };
}
