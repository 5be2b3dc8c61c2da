import { sessionExpiresAt } from './session-expiry';
import type { SessionRow, SessionWithUserRow } from './session-queries';
import type { SessionImpersonation, SessionListItem, ValidatedSession } from './session-types';

/** The impersonation a session row records, or null for an ordinary session. */
export function impersonationOf(row: SessionRow): SessionImpersonation | null {
  if (row.impersonator_id === null) return null;
  return {
    adminId: row.impersonator_id,
    reason: row.impersonation_reason ?? '',
    allowWrites: row.impersonation_writes,
  };
}

/** A session row as its owner's list shows it. */
export function toSessionListItem(row: SessionRow, idleMs: number): SessionListItem {
  return {
    id: row.id,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
    expiresAt: sessionExpiresAt(row, idleMs),
    ip: row.ip,
    userAgent: row.user_agent,
    authLevel: row.auth_level,
    authMethod: row.auth_method,
    impersonation: impersonationOf(row),
  };
}

/** A validated session and its user, from the row validation reads. */
export function toValidatedSession(row: SessionWithUserRow, idleMs: number): ValidatedSession {
  return {
    id: row.id,
    userId: row.user_id,
    authLevel: row.auth_level,
    authMethod: row.auth_method,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
    reauthenticatedAt: new Date(row.reauthenticated_at),
    expiresAt: sessionExpiresAt(row, idleMs),
    ip: row.ip,
    userAgent: row.user_agent,
    impersonation: impersonationOf(row),
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
}
