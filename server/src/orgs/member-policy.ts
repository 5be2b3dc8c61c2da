import type { OrgRole } from '@gatehouse/shared';
import { ORG_ROLE_PERMISSIONS, roleAtMost } from './org-roles';

/** Why a membership change is refused (a reason from shared/), or null when it is allowed. */
export type MemberChangeRefusal = 'FORBIDDEN' | 'ROLE_TOO_HIGH' | 'LAST_OWNER' | null;

// Pure rules over roles read under the owners' row locks (so `actor` is the
// caller's role now, not when the request began): only roles with
// `member:manage` manage members, nobody manages or grants a role above
// their own, and an org always keeps an owner.

/** Inviting someone at `invited`. */
export function invitationRefusal(actor: OrgRole, invited: OrgRole): MemberChangeRefusal {
  if (!ORG_ROLE_PERMISSIONS[actor].has('member:manage')) return 'FORBIDDEN';
  return roleAtMost(invited, actor) ? null : 'ROLE_TOO_HIGH';
}

/** Changing `target`'s role to `next`. */
export function roleChangeRefusal(
  actor: OrgRole,
  target: OrgRole,
  next: OrgRole,
  ownerCount: number,
): MemberChangeRefusal {
  if (!ORG_ROLE_PERMISSIONS[actor].has('member:manage')) return 'FORBIDDEN';
  if (!roleAtMost(target, actor) || !roleAtMost(next, actor)) return 'ROLE_TOO_HIGH';
  return target === 'owner' && next !== 'owner' && ownerCount <= 1 ? 'LAST_OWNER' : null;
}

/** Removing a member whose role is `target`. */
export function removalRefusal(
  actor: OrgRole,
  target: OrgRole,
  ownerCount: number,
): MemberChangeRefusal {
  if (!ORG_ROLE_PERMISSIONS[actor].has('member:manage')) return 'FORBIDDEN';
  if (!roleAtMost(target, actor)) return 'ROLE_TOO_HIGH';
  return target === 'owner' && ownerCount <= 1 ? 'LAST_OWNER' : null;
}

/** Leaving: anyone may, except the last owner. */
export function departureRefusal(actor: OrgRole, ownerCount: number): MemberChangeRefusal {
  return actor === 'owner' && ownerCount <= 1 ? 'LAST_OWNER' : null;
}
