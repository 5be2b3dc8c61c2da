import type { Member, Org, OrgRole } from '@gatehouse/shared';
import type { MemberRow } from './membership-queries';
import type { OrgRow } from './org-queries';

/** An org as its members see it, with the caller's role there. */
export function toOrg(row: OrgRow, role: OrgRole): Org {
  return {
    id: row.id,
    name: row.name,
    requireMfa: row.require_mfa,
    requireProvider: row.require_provider,
    memberEmailDomain: row.member_email_domain,
    role,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function toMember(row: MemberRow): Member {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    joinedAt: new Date(row.created_at).toISOString(),
  };
}
