import type { EmailLinkSignInInput, EmailLinkSignInResult } from '@gatehouse/shared';
import { peekOneTimeToken } from '../auth/one-time-tokens';
import { findUserById } from '../auth/user-queries';
import { sha256 } from '../crypto/random-token';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { boundBrowserHash } from '../http/browser-binding';
import { completeEmailSignIn } from './complete-email-sign-in';
import { consumeByHash } from './email-sign-in-queries';

/**
 * Signs in with the mailed link. In the browser that asked (its binding cookie matches) it
 * signs in at once; anywhere else it answers `confirmation_required` with the account's
 * address and uses nothing up, so a link someone forwarded, or planted to sign a victim into
 * the planter's account, does not act without the opener saying yes (`confirm: true`). One
 * use: of two concurrent uses one wins.
 */
export async function signInWithLink(
  ctx: Context,
  input: EmailLinkSignInInput,
): Promise<EmailLinkSignInResult> {
  const { deps } = ctx;
  const live = await peekOneTimeToken(deps.db, 'email_sign_in', input.token);
  if (!live.ok || live.userId === null) throw new AppError(live.ok ? 'TOKEN_INVALID' : live.reason);
  const sameBrowser =
    boundBrowserHash('email_sign_in', ctx.headers.cookie, ctx.secure) === live.data.browser;
  if (!sameBrowser && input.confirm !== true) {
    const user = await findUserById(deps.db, live.userId);
    if (!user) throw new AppError('TOKEN_INVALID');
    return { status: 'confirmation_required', email: user.email };
  }
  const userId = live.userId;
  const won = await deps.db.transaction().execute((trx) => consumeByHash(trx, sha256(input.token)));
  if (!won) throw new AppError('TOKEN_INVALID');
  return completeEmailSignIn(ctx, userId, 'email_link');
}
