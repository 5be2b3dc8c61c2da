import type { Ok } from '@gatehouse/shared';
import { consumeOneTimeToken, voidUserTokens } from '../auth/one-time-tokens';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { accountMails } from './account-mails';
import { emailTaken, moveEmail } from './account-queries';
import { isUniqueViolation } from './is-unique-violation';

const ADDRESS_TAKEN = (): AppError =>
  new AppError('CONFLICT', { message: 'That address has an account now; nothing changed' });

/**
 * Applies an email change from the link mailed to the new address (one use, 24 hours; of two
 * concurrent uses one wins). From now on the account signs in by the new address, which is
 * verified; reset links mailed to the old one stop working. The link of the old address's
 * notice ("this wasn't me") keeps working for its 7 days.
 */
export async function confirmEmailChange(ctx: Context, input: { token: string }): Promise<Ok> {
  const { deps } = ctx;
  let userId: string;
  try {
    userId = await deps.db.transaction().execute(async (trx) => {
      const used = await consumeOneTimeToken(trx, 'email_change', input.token);
      if (!used.ok || used.userId === null)
        throw new AppError(used.ok ? 'TOKEN_INVALID' : used.reason);
      const { from, to } = used.data as { from: string; to: string };
      if (await emailTaken(trx, to)) throw ADDRESS_TAKEN();
      const moved = await moveEmail(trx, used.userId, from, to);
      // The account's address changed since the link was sent: the link is stale.
      if (!moved) throw new AppError('TOKEN_INVALID');
      await voidUserTokens(trx, used.userId, 'password_reset');
      await voidUserTokens(trx, used.userId, 'email_verification');
      await enqueueMail(trx, deps, 'email_changed', accountMails.emailChanged(from, to));
      // The mailed token proves the new address's owner: the account is the actor.
      const owner = { type: 'user', id: used.userId } as const;
      await ctx.audit.record(trx, 'account.confirm_email_change', { actor: owner, target: owner });
      return used.userId;
    });
  } catch (err) {
    // Someone registered the address between the check and the update.
    if (isUniqueViolation(err)) throw ADDRESS_TAKEN();
    throw err;
  }
  // Cached sessions and keys carry the old address.
  await deps.sessions.forgetUser(userId);
  deps.outbox.kick();
  return { ok: true };
}
