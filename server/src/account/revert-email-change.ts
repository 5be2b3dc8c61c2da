import type { Ok } from '@gatehouse/shared';
import { consumeOneTimeToken, voidUserTokens } from '../auth/one-time-tokens';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { emailTaken, findProfile, lockForReview, moveEmail } from './account-queries';
import { announceEndedAccess, endAllAccess } from './end-all-access';

/**
 * "This wasn't me", from the notice mailed to the old address (one use, 7 days). Whoever
 * asked for the change may hold the account, so in one transaction: a pending change is
 * voided, an applied one undone (unless the old address has an account of its own by now),
 * every session and API key is revoked, live access tokens die, and the account is locked
 * for review (`lock_kind = 'review'`) until an administrator unlocks it. The password is
 * kept: the owner resets it once unlocked.
 */
export async function revertEmailChange(ctx: Context, input: { token: string }): Promise<Ok> {
  const { deps } = ctx;
  const ended = await deps.db.transaction().execute(async (trx) => {
    const used = await consumeOneTimeToken(trx, 'email_change_revert', input.token);
    if (!used.ok || used.userId === null)
      throw new AppError(used.ok ? 'TOKEN_INVALID' : used.reason);
    const { from, to } = used.data as { from: string; to: string };
    const user = await findProfile(trx, used.userId);
    if (!user) throw new AppError('TOKEN_INVALID');
    await voidUserTokens(trx, user.id, 'email_change');
    let restored = false;
    if (user.email === to && !(await emailTaken(trx, from))) {
      restored = (await moveEmail(trx, user.id, to, from)) !== undefined;
    }
    const access = await endAllAccess(trx, user.id);
    await lockForReview(trx, user.id, 'the owner reported an email change they did not make');
    const owner = { type: 'user', id: user.id } as const;
    await ctx.audit.record(trx, 'account.revert_email_change', {
      actor: owner,
      target: owner,
      details: {
        applied: user.email === to,
        restored,
        sessionsRevoked: access.sessionIds.length,
        apiKeysRevoked: access.apiKeyIds.length,
      },
    });
    return access;
  });
  await announceEndedAccess(deps, ended);
  return { ok: true };
}
