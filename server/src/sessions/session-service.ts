import { SessionCache } from './session-cache';
import {
  deleteSession,
  deleteUserSession,
  deleteUserSessions,
  insertSession,
  listUserSessions,
  markSessionReauthenticated,
} from './session-queries';
import { mintSessionToken } from './session-token';
import type { SessionListItem, SessionService, SessionServiceOptions } from './session-types';
import { toSessionListItem } from './to-session';
import { validateSession } from './validate-session';

export type {
  SessionListItem,
  SessionService,
  SessionServiceOptions,
  ValidatedSession,
} from './session-types';

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
    meta: {
      ip: string | null;
      userAgent: string | null;
      authLevel?: 'password' | 'mfa';
      authMethod?: string;
    },
  ): Promise<{ token: string; session: SessionListItem }> {
    const minted = mintSessionToken();
    const t = now();
    const row = await insertSession(db, {
      id: minted.id,
      secretHash: minted.secretHash,
      userId,
      authLevel: meta.authLevel ?? 'password',
      authMethod: meta.authMethod ?? 'password',
      now: t,
      expiresAt: new Date(t.getTime() + absoluteMs),
      ip: meta.ip,
      userAgent: meta.userAgent ? meta.userAgent.slice(0, 512) : null,
    });
    return { token: minted.token, session: toSessionListItem(row, idleMs) };
  }

  const validation = { db, cache, idleMs, now };

  return {
    create,
    validate: (token) => validateSession(validation, token),

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
