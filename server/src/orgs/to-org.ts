import type { Member, Org, OrgRole } from '@gatehouse/shared';

export function toOrg(
  row: { id: string; name: string; require_mfa: boolean; created_at: Date },
  role: OrgRole,
): Org {
  return {
    id: row.id,
    name: row.name,
    requireMfa: row.require_mfa,
    role,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function toMember(row: {
  user_id: string;
  email: string;
  name: string | null;
  role: OrgRole;
  created_at: Date;
}): Member {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    joinedAt: new Date(row.created_at).toISOString(),
  };
}
