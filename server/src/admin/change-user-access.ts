import type { AdminUser } from '@gatehouse/shared';
import { markUserTokensRevoked } from '../oauth/mark-user-tokens-revoked';
import { securityEvent } from '../observability/security-events';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { getUser, lockAdmins, setLocked, setRole } from './admin-user-queries';
import { toAdminUser } from './to-admin-user';
import { actorOf } from '../pipeline/audit-sink';

type Admin = Context & { principal: Principal };

async function revokeEverywhere(ctx: Admin, userId: string, cause: string): Promise<number> {
  const revoked = await ctx.deps.sessions.revokeAllForUser(userId);
  await ctx.deps.sessions.forgetUser(userId);
  await ctx.deps.audit.append(ctx.deps.db, {
    action: 'session.revoke_all',
    actor: actorOf(ctx.principal),
    target: { type: 'user', id: userId },
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
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
  ctx: Admin,
  input: { id: string; role: 'user' | 'admin' },
): Promise<AdminUser> {
  const { deps } = ctx;
  let demoted = false;
  const updated = await deps.db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const target = await getUser(trx, input.id);
    if (!target) throw new AppError('NOT_FOUND', { message: 'No such user' });
    if (target.role === input.role) return target;
    if (
      target.role === 'admin' &&
      input.role !== 'admin' &&
      admins.filter((a) => a.locked_at === null && a.id !== target.id).length === 0
    ) {
      throw new AppError('LAST_ADMIN', {
        message: 'The last active administrator cannot be demoted',
      });
    }
    await setRole(trx, target.id, input.role);
    // A demotion ends privileges the user's live access tokens still carry.
    demoted = target.role === 'admin' && input.role !== 'admin';
    if (demoted) await markUserTokensRevoked(trx, target.id);
    await deps.audit.append(trx, {
      action: 'admin.user.set_role',
      actor: actorOf(ctx.principal),
      target: { type: 'user', id: target.id },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { from: target.role, to: input.role },
    });
    return { ...target, role: input.role };
  });
  if (demoted) deps.tokenRevocations?.userTokensRevoked(updated.id);
  securityEvent(ctx.log, {
    type: 'privilege.changed',
    requestId: ctx.requestId,
    ip: ctx.ip,
    principal: ctx.principal,
    details: { scope: 'global', targetUserId: updated.id, role: input.role },
  });
  await revokeEverywhere(ctx, updated.id, 'role_change');
  return toAdminUser(updated);
}

/**
 * Locks an account: sign-in answers ACCOUNT_LOCKED, sessions are revoked, API
 * keys stop, and their live access tokens die at once (here, and on the
 * other instances through the revocation bus), also after an unlock.
 */
export async function lockUser(ctx: Admin, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  if (id === ctx.principal.userId)
    throw new AppError('FORBIDDEN', { message: 'Administrators cannot lock their own account' });
  const locked = await deps.db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const target = await getUser(trx, id);
    if (!target) throw new AppError('NOT_FOUND', { message: 'No such user' });
    if (
      target.role === 'admin' &&
      admins.filter((a) => a.locked_at === null && a.id !== target.id).length === 0
    ) {
      throw new AppError('LAST_ADMIN', {
        message: 'The last active administrator cannot be locked',
      });
    }
    await setLocked(trx, id, true);
    await markUserTokensRevoked(trx, id);
    await deps.audit.append(trx, {
      action: 'admin.user.lock',
      actor: actorOf(ctx.principal),
      target: { type: 'user', id },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return (await getUser(trx, id)) ?? target;
  });
  deps.tokenRevocations?.userTokensRevoked(id);
  await revokeEverywhere(ctx, id, 'lock');
  return toAdminUser(locked);
}

export async function unlockUser(ctx: Admin, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  const unlocked = await deps.db.transaction().execute(async (trx) => {
    const target = await getUser(trx, id);
    if (!target) throw new AppError('NOT_FOUND', { message: 'No such user' });
    await setLocked(trx, id, false);
    await deps.audit.append(trx, {
      action: 'admin.user.unlock',
      actor: actorOf(ctx.principal),
      target: { type: 'user', id },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return { ...target, locked_at: null };
  });
  await deps.sessions.forgetUser(id);
  return toAdminUser(unlocked);
}

export async function revokeUserSessions(ctx: Admin, id: string): Promise<{ revoked: number }> {
  if (!(await getUser(ctx.deps.db, id)))
    throw new AppError('NOT_FOUND', { message: 'No such user' });
  return { revoked: await revokeEverywhere(ctx, id, 'admin') };
}
