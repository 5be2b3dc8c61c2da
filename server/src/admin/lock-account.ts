import type { AdminUser } from '@gatehouse/shared';
import type { AuditAction } from '../audit/audit-actions';
import { markUserTokensRevoked } from '../oauth/mark-user-tokens-revoked';
import { AppError } from '../pipeline/app-error';
import { noSuchUser, type AccessChanger } from './access-changer';
import { isSelfLock, wouldLeaveNoAdmin } from './admin-policy';
import { getUser, lockAdmins, setLocked, type LockToWrite } from './admin-user-queries';
import { revokeEverywhere } from './revoke-everywhere';
import { toAdminUser } from './to-admin-user';

/** What a lock or a ban records, besides the lock itself. */
export interface LockAct {
  /** `lock` or `ban`, in the refusals' wording (and the sessions' revocation cause). */
  readonly verb: string;
  /** `locked` or `banned`. */
  readonly participle: string;
  readonly action: AuditAction;
  readonly details?: Record<string, unknown>;
}

/**
 * Locks an account (an admin lock or a ban): sign-in is refused, sessions are
 * revoked, API keys stop (their owner is locked), and live access tokens die
 * at once (here, and on the other instances through the revocation bus), also
 * after an unlock. Never the caller's own account (they could not undo it),
 * never the last active administrator (the admin rows are locked for the
 * transaction, so two administrators locking each other cannot both pass),
 * never an erased account (nothing is left to lock).
 */
export async function lockAccount(
  ctx: AccessChanger,
  id: string,
  lock: LockToWrite,
  act: LockAct,
): Promise<AdminUser> {
  const { deps } = ctx;
  if (isSelfLock(ctx.principal.userId, id))
    throw new AppError('FORBIDDEN', {
      message: `Administrators cannot ${act.verb} their own account`,
    });
  const locked = await deps.db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const target = await getUser(trx, id);
    if (!target) throw noSuchUser();
    if (target.lock_kind === 'erased')
      throw new AppError('CONFLICT', { message: 'This account has been erased' });
    if (wouldLeaveNoAdmin(admins, target))
      throw new AppError('LAST_ADMIN', {
        message: `The last active administrator cannot be ${act.participle}`,
      });
    await setLocked(trx, id, lock);
    await markUserTokensRevoked(trx, id);
    await ctx.audit.record(trx, act.action, {
      target: { type: 'user', id },
      ...(act.details ? { details: act.details } : {}),
    });
    return (await getUser(trx, id)) ?? target;
  });
  deps.tokenRevocations?.userTokensRevoked(id);
  await revokeEverywhere(ctx, id, act.verb);
  return toAdminUser(locked);
}
