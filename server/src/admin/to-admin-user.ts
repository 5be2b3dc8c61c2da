import type { AdminUser } from '@gatehouse/shared';
import { publicUserFromRow } from '../auth/public-user';
import type { AdminUserRow } from './admin-user-queries';

/**
 * The admin view of a user row: the public view (one mapper, auth/public-user.ts)
 * plus the lock (the output schema keeps anything else out).
 */
export function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    ...publicUserFromRow(row),
    lockedAt: row.locked_at ? new Date(row.locked_at).toISOString() : null,
  };
}
