import type { PublicUser, SessionInfo } from '@gatehouse/shared';
import type { SessionListItem } from '../sessions/session-service';

/** The user as callers may see it: never the password hash. */
export function toPublicUser(u: { id: string; email: string; name: string | null; role: 'user' | 'admin'; emailVerified: boolean; createdAt: Date }): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, emailVerified: u.emailVerified, createdAt: u.createdAt.toISOString() };
}

export function toSessionInfo(s: SessionListItem, currentId: string | undefined): SessionInfo {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    authLevel: s.authLevel,
    current: s.id === currentId,
  };
}
