import type { AdminUser, BanUserInput } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import { noSuchUser, type AccessChanger } from './access-changer';
import { clearLock, getUser } from './admin-user-queries';
import { lockAccount } from './lock-account';
import { toAdminUser } from './to-admin-user';

/**
 * Bans an account: a lock (lock-account.ts: sessions revoked, keys and access
 * tokens stopped, never oneself, never the last administrator) of kind `ban`
 * with a written reason, shown to administrators and never to the user, and
 * an optional end, after which sign-in or the retention sweep lifts it
 * (lift-ended-ban.ts). A ban replaces an earlier lock's kind, reason and end.
 */
export function banUser(ctx: AccessChanger, input: BanUserInput): Promise<AdminUser> {
  const expiresAt = input.expiresAt !== undefined ? new Date(input.expiresAt) : null;
  if (expiresAt !== null && expiresAt.getTime() <= Date.now())
    throw new AppError('VALIDATION_FAILED', {
      message: 'expiresAt must be in the future (leave it out for a ban without an end)',
      issues: [{ path: 'expiresAt', code: 'custom', reason: 'VALIDATION_FAILED' }],
    });
  return lockAccount(
    ctx,
    input.id,
    { kind: 'ban', by: ctx.principal.userId, reason: input.reason, expiresAt },
    {
      verb: 'ban',
      participle: 'banned',
      action: 'admin.user.ban',
      details: { reason: input.reason, expiresAt: expiresAt?.toISOString() ?? null },
    },
  );
}

/** Lifts a ban (every lock column cleared); a user who is not banned answers CONFLICT. */
export async function unbanUser(ctx: AccessChanger, id: string): Promise<AdminUser> {
  const { deps } = ctx;
  const unbanned = await deps.db.transaction().execute(async (trx) => {
    const target = await getUser(trx, id);
    if (!target) throw noSuchUser();
    if (target.locked_at === null || target.lock_kind !== 'ban')
      throw new AppError('CONFLICT', {
        message:
          target.locked_at === null
            ? 'This account is not banned'
            : 'This account is locked, not banned: use admin.users.unlock',
      });
    await clearLock(trx, id);
    await ctx.audit.record(trx, 'admin.user.unban', { target: { type: 'user', id } });
    return (await getUser(trx, id)) ?? target;
  });
  await deps.sessions.forgetUser(id);
  return toAdminUser(unbanned);
}
