import type { AdminUser } from '@gatehouse/shared';
import { publicUserFromRow } from '../auth/public-user';
import type { AdminUserRow } from './admin-user-queries';

/**
 * The admin view of a user row: the public view (one mapper, auth/public-user.ts)
 * plus the lock: when, why (its kind, a ban's reason), until when, and by whom
 * (the output schema keeps anything else out).
 */
export function toAdminUser(row: AdminUserRow): AdminUser {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    ...publicUserFromRow(row),
    lockedAt: iso(row.locked_at),
    lockKind: row.locked_at ? row.lock_kind : null,
    lockReason: row.locked_at ? row.lock_reason : null,
    lockExpiresAt: row.locked_at ? iso(row.lock_expires_at) : null,
    lockedBy: row.locked_at ? row.locked_by : null,
  };
}
