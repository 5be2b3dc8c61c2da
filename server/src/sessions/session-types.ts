import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { RevocationBus } from './revocation-bus';

/**
 * What marks a session as an administrator's impersonation of its user: who, why, and whether
 * mutations were granted. Its `expiresAt` is the time limit (idle expiry does not apply).
 */
export interface SessionImpersonation {
  readonly adminId: string;
  readonly reason: string;
  readonly allowWrites: boolean;
}

export interface ValidatedSession {
  readonly id: string;
  readonly userId: string;
  readonly authLevel: 'password' | 'mfa';
  /** How the first factor was proven: `password`, `email_link`, `email_code`, `idp:<id>`, … */
  readonly authMethod: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly reauthenticatedAt: Date;
  /** The earlier of the absolute expiry and the idle expiry. */
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Set when an administrator holds this session to impersonate its user. */
  readonly impersonation: SessionImpersonation | null;
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
  readonly authMethod: string;
  readonly impersonation: SessionImpersonation | null;
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
    meta: {
      ip: string | null;
      userAgent: string | null;
      authLevel?: 'password' | 'mfa';
      authMethod?: string;
    },
  ): Promise<{ token: string; session: SessionListItem }>;
  /**
   * The session for a presented token, or undefined (malformed, unknown,
   * wrong secret, expired, locked user).
   */
  validate(token: string): Promise<ValidatedSession | undefined>;
  /** Revokes one session of a user (none of someone else's); whether one was removed. */
  revokeOwn(userId: string, sessionId: string): Promise<boolean>;
  revoke(sessionId: string): Promise<void>;
  /**
   * Revokes every session of a user, optionally keeping one, and every impersonation the user
   * holds as an administrator. Returns the count.
   */
  revokeAllForUser(userId: string, options?: { exceptId?: string }): Promise<number>;
  /** Drops cached copies of a user's sessions everywhere (after a change to the user). */
  forgetUser(userId: string): Promise<void>;
  list(userId: string): Promise<SessionListItem[]>;
  /** Records that the session just proved a password or second factor (step-up). */
  markReauthenticated(sessionId: string, authLevel?: 'password' | 'mfa'): Promise<void>;
  /** Seconds until the session's cookie should expire. */
  cookieMaxAgeSeconds(session: { expiresAt: Date }): number;
}
