import type { Permission } from '@gatehouse/shared';
import type { GlobalRole } from './principal';

/**
 * What each global role may ask for. Org-level permissions (`project:*`,
 * `member:*`, `org:manage`) appear here because any user may hold them in an
 * org; the org-scoped step then checks the caller's role in that org.
 */
/**
 * The permissions of personal resources (`gatehouse generate resource <name> --no-org`), on
 * each user's own rows: every user holds them and no org role does, so a key bound to an org
 * never carries them.
 */
export const PERSONAL_PERMISSIONS: readonly Permission[] = [];

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
  ...PERSONAL_PERMISSIONS,
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
