import type { SessionInfo } from '@gatehouse/shared';
import type { SessionListItem } from './session-types';

/** A session as callers see it; `current` marks the one the request came with. */
export function toSessionInfo(s: SessionListItem, currentId: string | undefined): SessionInfo {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    authLevel: s.authLevel,
    authMethod: s.authMethod,
    current: s.id === currentId,
    ...(s.impersonation
      ? {
          impersonation: {
            adminId: s.impersonation.adminId,
            reason: s.impersonation.reason,
            allowWrites: s.impersonation.allowWrites,
          },
        }
      : {}),
  };
}
