import type { AdminUser } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { markUserTokensRevoked } from '../oauth/mark-user-tokens-revoked';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { isSelfLock, wouldLeaveNoAdmin } from './admin-policy';
import { getUser, lockAdmins, setLocked, setRole } from './admin-user-queries';
import { toAdminUser } from './to-admin-user';

/** An administrator (a session or a `user:manage` key) changing someone's access. */
export interface AccessChanger {
  readonly deps: Pick<AppDeps, 'db' | 'sessions' | 'tokenRevocations'>;
  readonly principal: Principal;
  /** Records as the real principal: a key's act is the key's, never its user's. */
  readonly audit: RequestAudit;
}

const NO_SUCH_USER = (): AppError => new AppError('NOT_FOUND', { message: 'No such user' });

async function revokeEverywhere(
  ctx: AccessChanger,
  userId: string,
  cause: string,
): Promise<number> {
  const revoked = await ctx.deps.sessions.revokeAllForUser(userId);
  await ctx.deps.sessions.forgetUser(userId);
  await ctx.audit.record(ctx.deps.db, 'session.revoke_all', {
    target: { type: 'user', id: userId },
    details: { count: revoked, cause },
  });
  return revoked;
}

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
    if (!target) throw NO_SUCH_USER();
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
 * Locks an account: sign-in answers ACCOUNT_LOCKED, sessions are revoked, API
 * keys stop, and their live access tokens die at once (here, and on the
 * other instances through the revocation bus), also after an unlock.
 */
export async function lockUser(ctx: AccessChanger, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  if (isSelfLock(ctx.principal.userId, id))
    throw new AppError('FORBIDDEN', { message: 'Administrators cannot lock their own account' });
  const locked = await deps.db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const target = await getUser(trx, id);
    if (!target) throw NO_SUCH_USER();
    if (wouldLeaveNoAdmin(admins, target))
      throw new AppError('LAST_ADMIN', {
        message: 'The last active administrator cannot be locked',
      });
    await setLocked(trx, id, true);
    await markUserTokensRevoked(trx, id);
    await ctx.audit.record(trx, 'admin.user.lock', { target: { type: 'user', id } });
    return (await getUser(trx, id)) ?? target;
  });
  deps.tokenRevocations?.userTokensRevoked(id);
  await revokeEverywhere(ctx, id, 'lock');
  return toAdminUser(locked);
}

export async function unlockUser(ctx: AccessChanger, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  const unlocked = await deps.db.transaction().execute(async (trx) => {
    const target = await getUser(trx, id);
    if (!target) throw NO_SUCH_USER();
    await setLocked(trx, id, false);
    await ctx.audit.record(trx, 'admin.user.unlock', { target: { type: 'user', id } });
    return { ...target, locked_at: null };
  });
  await deps.sessions.forgetUser(id);
  return toAdminUser(unlocked);
}

export async function revokeUserSessions(
  ctx: AccessChanger,
  id: string,
): Promise<{ revoked: number }> {
  if (!(await getUser(ctx.deps.db, id))) throw NO_SUCH_USER();
  return { revoked: await revokeEverywhere(ctx, id, 'admin') };
}
