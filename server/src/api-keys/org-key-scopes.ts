import type { Permission } from '@gatehouse/shared';
import { ORG_ROLE_PERMISSIONS } from '../orgs/org-roles';

/**
 * What a key bound to one organization may hold: the permissions org roles
 * grant inside an org, and `self:read` (who am I). Everything else acts
 * outside that org — creating orgs, managing the owner's keys or sessions,
 * accepting invitations elsewhere, `admin.*` — so an org-bound key never
 * carries it, even when its owner does.
 */
export const ORG_KEY_SCOPES: ReadonlySet<Permission> = new Set<Permission>([
  'self:read',
  ...Object.values(ORG_ROLE_PERMISSIONS).flatMap((permissions) => [...permissions]),
]);
