import type { PublicUser } from '@gatehouse/shared';

/** The user as callers may see it: never the password hash. */
export function toPublicUser(u: {
  id: string;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: Date;
}): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    emailVerified: u.emailVerified,
    mfaEnabled: u.mfaEnabled,
    createdAt: u.createdAt.toISOString(),
  };
}

/** The public view of a user row. */
export function publicUserFromRow(row: {
  id: string;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  email_verified_at: Date | null;
  mfa_enabled_at: Date | null;
  created_at: Date;
}): PublicUser {
  return toPublicUser({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    mfaEnabled: row.mfa_enabled_at !== null,
    createdAt: new Date(row.created_at),
  });
}
