import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { getUser } from './admin-user-queries';
import { liftEndedBan } from './lift-ended-ban';

/**
 * What sign-in (the password step and the second-factor step) answers a
 * locked account whose credentials were proven: ACCOUNT_BANNED for a ban, with
 * its end when it has one and never its reason; ACCOUNT_LOCKED for any other
 * lock. A ban whose end has passed is lifted here (audited, actor `system`)
 * and the answer is undefined: sign-in proceeds.
 */
export async function signInLockRefusal(
  ctx: Pick<Context, 'deps' | 'audit'>,
  userId: string,
): Promise<AppError | undefined> {
  const row = await getUser(ctx.deps.db, userId);
  if (row && row.locked_at === null) return undefined;
  if (!row || row.lock_kind !== 'ban')
    return new AppError('ACCOUNT_LOCKED', { message: 'This account is locked' });
  if (await liftEndedBan(ctx.deps.db, userId, { audit: ctx.audit })) return undefined;
  const until = row.lock_expires_at ? new Date(row.lock_expires_at).toISOString() : undefined;
  return new AppError('ACCOUNT_BANNED', {
    message: until ? `This account is banned until ${until}` : 'This account is banned',
  });
}
