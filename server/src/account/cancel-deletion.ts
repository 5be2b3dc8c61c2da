import type { Context } from '../pipeline/context';
import { enqueueMail } from '../mail/enqueue-mail';
import { accountMails } from './account-mails';
import { clearDeletion } from './account-queries';

/**
 * Signing in during the grace period keeps the account: called by every successful sign-in
 * (auth/issue-session.ts). One indexed UPDATE that matches only a pending deletion.
 */
export async function cancelPendingDeletion(
  ctx: Context,
  user: { readonly id: string; readonly email: string },
): Promise<void> {
  const { deps } = ctx;
  const cancelled = await deps.db.transaction().execute(async (trx) => {
    if (!(await clearDeletion(trx, user.id))) return false;
    await enqueueMail(trx, deps, 'account_deletion', accountMails.deletionCancelled(user.email));
    const owner = { type: 'user', id: user.id } as const;
    await ctx.audit.record(trx, 'account.cancel_deletion', { actor: owner, target: owner });
    return true;
  });
  if (cancelled) deps.outbox.kick();
}
