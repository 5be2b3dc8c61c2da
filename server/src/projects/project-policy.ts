import type { Permission } from '@gatehouse/shared';

/**
 * Who may change a project, as a pure function of the caller's org
 * permissions and the loaded row: members edit their own, org admins and
 * owners (`project:write:any`) edit all.
 */
export function canEditProject(
  caller: { userId: string; permissions: ReadonlySet<Permission> },
  project: { owner_id: string | null },
): boolean {
  if (caller.permissions.has('project:write:any')) return true;
  return caller.permissions.has('project:write') && project.owner_id === caller.userId;
}

/** Deleting follows editing: your own with `project:write`, any with `project:delete`. */
export function canDeleteProject(
  caller: { userId: string; permissions: ReadonlySet<Permission> },
  project: { owner_id: string | null },
): boolean {
  if (caller.permissions.has('project:delete')) return true;
  return caller.permissions.has('project:write') && project.owner_id === caller.userId;
}
