import { signInLockRefusal } from '../admin/sign-in-lock-refusal';
import type { FirstFactor } from '../mfa/mfa-challenge';
import type { Context } from '../pipeline/context';

/**
 * After any first factor proved the account (password, mailed link or code, identity
 * provider, passkey): a locked or banned account is refused here, audited as a denied
 * `auth.sign_in` naming the method; a ban whose end passed is lifted and sign-in goes on.
 */
export async function refuseLockedSignIn(
  ctx: Context,
  user: { readonly id: string; readonly locked_at: Date | null },
  method: FirstFactor,
): Promise<void> {
  if (user.locked_at === null) return;
  const refused = await signInLockRefusal(ctx, user.id);
  if (!refused) return;
  await ctx.audit.record(ctx.deps.db, 'auth.sign_in', {
    actor: { type: 'user', id: user.id },
    outcome: 'denied',
    details: { reason: refused.reason, method },
  });
  throw refused;
}
