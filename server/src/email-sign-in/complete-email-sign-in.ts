import type { SignInResult } from '@gatehouse/shared';
import { refuseLockedSignIn } from '../auth/refuse-locked-sign-in';
import { issueSession } from '../auth/issue-session';
import { findUserById, markEmailVerified } from '../auth/user-queries';
import { startMfaChallenge } from '../mfa/mfa-challenge';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { clearBinding } from '../http/browser-binding';

/**
 * The end of an email sign-in whose token was just used: the mailbox is proven, so the address
 * is verified; a locked or banned account is refused as at password sign-in; with a second
 * factor enrolled the answer is the MFA challenge (the mail is one factor), else a session.
 */
export async function completeEmailSignIn(
  ctx: Context,
  userId: string,
  method: 'email_link' | 'email_code',
): Promise<SignInResult> {
  const { deps } = ctx;
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('TOKEN_INVALID');
  await refuseLockedSignIn(ctx, user, method);
  if (user.email_verified_at === null) await markEmailVerified(deps.db, user.id);
  ctx.response.appendCookie(clearBinding('email_sign_in', ctx.secure));
  if (user.mfa_enabled_at !== null) return startMfaChallenge(ctx, user.id, method);
  return issueSession(ctx, { ...user, email_verified_at: new Date() }, 'password', method);
}
