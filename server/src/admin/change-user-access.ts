import type { AdminUser } from '@gatehouse/shared';
import { markUserTokensRevoked } from '../oauth/mark-user-tokens-revoked';
import { AppError } from '../pipeline/app-error';
import { noSuchUser, type AccessChanger } from './access-changer';
import { wouldLeaveNoAdmin } from './admin-policy';
import { clearLock, getUser, lockAdmins, setRole } from './admin-user-queries';
import { lockAccount } from './lock-account';
import { revokeEverywhere } from './revoke-everywhere';
import { toAdminUser } from './to-admin-user';

export type { AccessChanger } from './access-changer';

/**
 * Changes a user's global role. The admin rows are locked for the
 * transaction, so two admins demoting each other at once cannot leave none
 * (LAST_ADMIN). The target's sessions are revoked: their privileges changed.
 */
export async function setUserRole(
  ctx: AccessChanger,
  input: { id: string; role: 'user' | 'admin' },
): Promise<AdminUser> {
  const { deps } = ctx;
  let demoted = false;
  const updated = await deps.db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const target = await getUser(trx, input.id);
    if (!target) throw noSuchUser();
    if (target.role === input.role) return target;
    if (input.role !== 'admin' && wouldLeaveNoAdmin(admins, target))
      throw new AppError('LAST_ADMIN', {
        message: 'The last active administrator cannot be demoted',
      });
    await setRole(trx, target.id, input.role);
    // A demotion ends privileges the user's live access tokens still carry.
    demoted = target.role === 'admin' && input.role !== 'admin';
    if (demoted) await markUserTokensRevoked(trx, target.id);
    await ctx.audit.record(trx, 'admin.user.set_role', {
      target: { type: 'user', id: target.id },
      details: { from: target.role, to: input.role },
    });
    return { ...target, role: input.role };
  });
  if (demoted) deps.tokenRevocations?.userTokensRevoked(updated.id);
  ctx.audit.security('privilege.changed', {
    scope: 'global',
    targetUserId: updated.id,
    role: input.role,
  });
  await revokeEverywhere(ctx, updated.id, 'role_change');
  return toAdminUser(updated);
}

/**
 * Locks an account (lock kind `admin`, no end; it replaces a ban's reason and
 * end): sign-in answers ACCOUNT_LOCKED, sessions are revoked, API keys stop,
 * and their live access tokens die at once (lock-account.ts).
 */
export function lockUser(ctx: AccessChanger, id: string): Promise<AdminUser> {
  return lockAccount(
    ctx,
    id,
    { kind: 'admin', by: ctx.principal.userId },
    { verb: 'lock', participle: 'locked', action: 'admin.user.lock' },
  );
}

/**
 * Unlocks an account whatever its lock (an admin lock, a ban, a review):
 * every lock column is cleared. An erased account stays as it is.
 */
export async function unlockUser(ctx: AccessChanger, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  const unlocked = await deps.db.transaction().execute(async (trx) => {
    const target = await getUser(trx, id);
    if (!target) throw noSuchUser();
    if (target.lock_kind === 'erased')
      throw new AppError('CONFLICT', { message: 'This account has been erased' });
    await clearLock(trx, id);
    await ctx.audit.record(trx, 'admin.user.unlock', {
      target: { type: 'user', id },
      details: { kind: target.lock_kind },
    });
    return (await getUser(trx, id)) ?? target;
  });
  await deps.sessions.forgetUser(id);
  return toAdminUser(unlocked);
}

export async function revokeUserSessions(
  ctx: AccessChanger,
  id: string,
): Promise<{ revoked: number }> {
  if (!(await getUser(ctx.deps.db, id))) throw noSuchUser();
  return { revoked: await revokeEverywhere(ctx, id, 'admin') };
}
