import type { OrgRole, Permission } from '@gatehouse/shared';

const VIEWER: readonly Permission[] = ['org:read', 'member:read', 'project:read'];
const MEMBER: readonly Permission[] = [...VIEWER, 'project:write'];
const ADMIN: readonly Permission[] = [
  ...MEMBER,
  'project:write:any',
  'project:delete',
  'member:manage',
  'org:manage',
  'webhook:manage',
];
const OWNER: readonly Permission[] = [...ADMIN];

/** What each organization role may do inside its organization: the one table. */
export const ORG_ROLE_PERMISSIONS: Readonly<Record<OrgRole, ReadonlySet<Permission>>> =
  Object.freeze({
    viewer: new Set(VIEWER),
    member: new Set(MEMBER),
    admin: new Set(ADMIN),
    owner: new Set(OWNER),
  });

const RANK: Readonly<Record<OrgRole, number>> = { viewer: 1, member: 2, admin: 3, owner: 4 };

/** Whether `role` is at most `limit` (nobody grants or manages a role above their own). */
export function roleAtMost(role: OrgRole, limit: OrgRole): boolean {
  return RANK[role] <= RANK[limit];
}
