import { z } from 'zod';
import { IsoDate } from './common';

/**
 * Marks a session an administrator holds to impersonate its user (`admin.impersonation.start`):
 * who, why, and whether mutations were granted; it ends at the session's `expiresAt`. The user
 * sees it in `sessions.list` and `auth.me`, and may end it with `sessions.revoke`.
 */
export const SessionImpersonation = z.strictObject({
  adminId: z.uuid(),
  reason: z.string(),
  allowWrites: z.boolean(),
});
export type SessionImpersonation = z.infer<typeof SessionImpersonation>;

/** One of the caller's sessions, as `sessions.list` and sign-in show it (never its secret). */
export const SessionInfo = z.strictObject({
  id: z.string(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate,
  expiresAt: IsoDate,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  authLevel: z.enum(['password', 'mfa']),
  /**
   * How the first factor was proven: `password`, `email_link`, `email_code`, `idp:<provider>`
   * or `impersonation`.
   */
  authMethod: z.string(),
  current: z.boolean(),
  /** Present only on an impersonation (an ordinary session keeps its earlier shape). */
  impersonation: SessionImpersonation.optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SessionRef = z.strictObject({ id: z.string().min(1).max(64) });
export const SessionList = z.strictObject({ sessions: z.array(SessionInfo) });
