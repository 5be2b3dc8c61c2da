import type { AdminUser } from '@gatehouse/shared';
import type { AdminUserRow } from './admin-user-queries';

/** The admin view of a user row (the output schema keeps anything else out). */
export function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    mfaEnabled: row.mfa_enabled_at !== null,
    lockedAt: row.locked_at ? new Date(row.locked_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
