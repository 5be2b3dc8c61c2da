import type { Permission } from '@gatehouse/shared';
import type { GlobalRole } from './principal';

/**
 * What each global role may ask for. Org-level permissions (`project:*`,
 * `member:*`, `org:manage`) appear here because any user may hold them in an
 * org; the org-scoped step then checks the caller's role in that org.
 */
const USER: readonly Permission[] = [
  'self:read',
  'self:write',
  'session:manage',
  'apikey:manage',
  'org:create',
  'org:read',
  'org:manage',
  'member:read',
  'member:manage',
  'project:read',
  'project:write',
  'project:write:any',
  'project:delete',
  'webhook:manage',
];

const ADMIN: readonly Permission[] = [...USER, 'user:read', 'user:manage', 'audit:read'];

export const GLOBAL_ROLE_PERMISSIONS: Readonly<Record<GlobalRole, ReadonlySet<Permission>>> =
  Object.freeze({
    user: new Set(USER),
    admin: new Set(ADMIN),
  });

/** The permissions of a global role. */
export function permissionsOfRole(role: GlobalRole): ReadonlySet<Permission> {
  return GLOBAL_ROLE_PERMISSIONS[role];
}
