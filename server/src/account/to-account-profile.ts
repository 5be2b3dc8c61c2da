import type { AccountProfile } from '@gatehouse/shared';
import type { ProfileRow } from './account-queries';

export function toAccountProfile(row: ProfileRow): AccountProfile {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.email_verified_at !== null,
    deletionDueAt: row.deletion_due_at ? new Date(row.deletion_due_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
