import { z } from 'zod';
import { IsoDate } from './common';

/** One of the caller's sessions, as `sessions.list` and sign-in show it (never its secret). */
export const SessionInfo = z.strictObject({
  id: z.string(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate,
  expiresAt: IsoDate,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  authLevel: z.enum(['password', 'mfa']),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SessionRef = z.strictObject({ id: z.string().min(1).max(64) });
export const SessionList = z.strictObject({ sessions: z.array(SessionInfo) });
