import type { Ok } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { consumeOneTimeToken } from './one-time-tokens';
import { markEmailVerified } from './user-queries';

/** Marks the email verified from a mailed token (single use, 48 hours). */
export async function verifyEmail(ctx: Context, input: { token: string }): Promise<Ok> {
  const { deps } = ctx;
  const userId = await deps.db.transaction().execute(async (trx) => {
    const consumed = await consumeOneTimeToken(trx, 'email_verification', input.token);
    if (!consumed.ok || consumed.userId === null)
      throw new AppError(consumed.ok ? 'TOKEN_INVALID' : consumed.reason);
    await markEmailVerified(trx, consumed.userId);
    // The emailed token proves the owner, who need not be signed in: the owner is the actor.
    const owner = { type: 'user', id: consumed.userId } as const;
    await ctx.audit.record(trx, 'auth.verify_email', { actor: owner, target: owner });
    return consumed.userId;
  });
  // Cached sessions carry the verified flag: drop them everywhere.
  await deps.sessions.forgetUser(userId);
  return { ok: true };
}
