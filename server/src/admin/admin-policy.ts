import type { AdminLockRow, AdminUserRow } from './admin-user-queries';

/**
 * Whether taking `target` out of the active administrators (a demotion or a
 * lock) would leave none: judged on the admin rows read under their locks,
 * so two administrators acting on each other at once cannot both pass.
 */
export function wouldLeaveNoAdmin(
  admins: readonly AdminLockRow[],
  target: Pick<AdminUserRow, 'id' | 'role'>,
): boolean {
  return target.role === 'admin' && !admins.some((a) => a.locked_at === null && a.id !== target.id);
}

/** Administrators lock others, never themselves (they could not unlock). */
export function isSelfLock(callerId: string, targetId: string): boolean {
  return callerId === targetId;
}
