import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { constantTimeEqual } from '../crypto/random-token';
import type { RevocationBus } from './revocation-bus';
import {
  deleteSession,
  deleteUserSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  listUserSessions,
  markSessionReauthenticated,
  type SessionWithUserRow,
  touchSession,
} from './session-queries';
import { mintSessionToken, parseSessionToken } from './session-token';

const HOUR = 3_600_000;

export interface ValidatedSession {
  readonly id: string;
  readonly userId: string;
  readonly authLevel: 'password' | 'mfa';
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly reauthenticatedAt: Date;
  /** The earlier of the absolute expiry and the idle expiry. */
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string | null;
    readonly role: 'user' | 'admin';
    readonly emailVerified: boolean;
    readonly mfaEnabled: boolean;
    readonly createdAt: Date;
  };
}

export interface SessionListItem {
  readonly id: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly authLevel: 'password' | 'mfa';
}

export interface SessionServiceOptions {
  readonly db: Kysely<Database>;
  readonly idleMs: number;
  readonly absoluteMs: number;
  readonly bus: RevocationBus;
  /** How long a validated session may be served from memory; 0 disables the cache. */
  readonly cacheTtlMs: number;
  readonly now?: () => Date;
}

export interface SessionService {
  create(
    userId: string,
    meta: { ip: string | null; userAgent: string | null; authLevel?: 'password' | 'mfa' },
  ): Promise<{ token: string; session: SessionListItem }>;
  /** The session for a presented token, or undefined (malformed, unknown, wrong secret, expired, locked user). */
  validate(token: string): Promise<ValidatedSession | undefined>;
  /** Revokes one session of a user (no effect on someone else's). Returns whether one was removed. */
  revokeOwn(userId: string, sessionId: string): Promise<boolean>;
  revoke(sessionId: string): Promise<void>;
  /** Revokes every session of a user, optionally keeping one. Returns the count. */
  revokeAllForUser(userId: string, options?: { exceptId?: string }): Promise<number>;
  /** Drops cached copies of a user's sessions everywhere (after a change to the user). */
  forgetUser(userId: string): Promise<void>;
  list(userId: string): Promise<SessionListItem[]>;
  /** Records that the session just proved a password or second factor (step-up). */
  markReauthenticated(sessionId: string, authLevel?: 'password' | 'mfa'): Promise<void>;
  /** Seconds until the session's cookie should expire. */
  cookieMaxAgeSeconds(session: { expiresAt: Date }): number;
}

interface CacheEntry {
  readonly session: ValidatedSession;
  readonly secretHash: Buffer;
  readonly cachedAt: number;
}

/**
 * Lucia-style sessions over the database: SHA-256 of the secret stored,
 * constant-time comparison, idle expiry bumped at most hourly, an absolute
 * lifetime, and a short in-process cache whose entries every instance drops
 * as soon as a revocation is published.
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { db, idleMs, absoluteMs, bus } = options;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, CacheEntry>();
  const byUser = new Map<string, Set<string>>();

  const evict = (id: string): void => {
    const entry = cache.get(id);
    if (!entry) return;
    cache.delete(id);
    byUser.get(entry.session.userId)?.delete(id);
  };
  const evictUser = (userId: string): void => {
    for (const id of byUser.get(userId) ?? []) cache.delete(id);
    byUser.delete(userId);
  };
  bus.subscribe((m) => {
    if ('userId' in m) evictUser(m.userId);
    else if ('sessionIds' in m) for (const id of m.sessionIds) evict(id);
  });

  const toValidated = (row: SessionWithUserRow): ValidatedSession => {
    const lastUsed = new Date(row.last_used_at);
    const absolute = new Date(row.expires_at);
    const idle = new Date(lastUsed.getTime() + idleMs);
    return {
      id: row.id,
      userId: row.user_id,
      authLevel: row.auth_level,
      createdAt: new Date(row.created_at),
      lastUsedAt: lastUsed,
      reauthenticatedAt: new Date(row.reauthenticated_at),
      expiresAt: idle < absolute ? idle : absolute,
      ip: row.ip,
      userAgent: row.user_agent,
      user: {
        id: row.user_id,
        email: row.email,
        name: row.name,
        role: row.role,
        emailVerified: row.email_verified_at !== null,
        mfaEnabled: row.mfa_enabled_at !== null,
        createdAt: new Date(row.user_created_at),
      },
    };
  };

  const cacheable = (): boolean => options.cacheTtlMs > 0 && bus.isConnected();

  return {
    async create(userId, meta) {
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
      const lastUsedAt = new Date(row.last_used_at);
      const absolute = new Date(row.expires_at);
      const idle = new Date(lastUsedAt.getTime() + idleMs);
      return {
        token: minted.token,
        session: {
          id: row.id,
          createdAt: new Date(row.created_at),
          lastUsedAt,
          expiresAt: idle < absolute ? idle : absolute,
          ip: row.ip,
          userAgent: row.user_agent,
          authLevel: row.auth_level,
        },
      };
    },

    async validate(token) {
      const parsed = parseSessionToken(token);
      if (!parsed) return undefined;
      const t = now();
      const cached = cache.get(parsed.id);
      if (cached && cacheable() && t.getTime() - cached.cachedAt < options.cacheTtlMs) {
        if (!constantTimeEqual(cached.secretHash, parsed.secretHash)) return undefined;
        if (cached.session.expiresAt <= t) {
          evict(parsed.id);
        } else {
          return cached.session;
        }
      }
      const row = await findSessionWithUser(db, parsed.id);
      if (!row) return undefined;
      const stored = Buffer.from(row.secret_hash);
      if (!constantTimeEqual(stored, parsed.secretHash)) return undefined;
      let session = toValidated(row);
      if (session.expiresAt <= t || row.locked_at !== null) {
        await deleteSession(db, row.id);
        evict(row.id);
        return undefined;
      }
      // Record use at most once an hour: a busy session costs no write per request.
      if (t.getTime() - session.lastUsedAt.getTime() >= HOUR) {
        await touchSession(db, row.id, t);
        session = toValidated({ ...row, last_used_at: t });
      }
      if (cacheable()) {
        cache.set(row.id, { session, secretHash: stored, cachedAt: t.getTime() });
        let ids = byUser.get(row.user_id);
        if (!ids) byUser.set(row.user_id, (ids = new Set()));
        ids.add(row.id);
      }
      return session;
    },

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
      return rows.map((r) => {
        const lastUsedAt = new Date(r.last_used_at);
        const absolute = new Date(r.expires_at);
        const idle = new Date(lastUsedAt.getTime() + idleMs);
        return {
          id: r.id,
          createdAt: new Date(r.created_at),
          lastUsedAt,
          expiresAt: idle < absolute ? idle : absolute,
          ip: r.ip,
          userAgent: r.user_agent,
          authLevel: r.auth_level,
        };
      });
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
