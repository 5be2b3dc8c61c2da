/**
 * The closed set of permissions a procedure's meta may require. Roles map to
 * these in the server's role table; API keys are scoped by them.
 */
export const PERMISSIONS = [
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
  'user:read',
  'user:manage',
  'audit:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const permissionSet: ReadonlySet<string> = new Set(PERMISSIONS);

/** Whether a value is one of the known {@link Permission}s. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && permissionSet.has(value);
}
