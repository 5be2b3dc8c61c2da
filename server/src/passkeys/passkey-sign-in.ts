import type { PasskeySignInInput, SignedIn } from '@gatehouse/shared';
import { refuseLockedSignIn } from '../auth/refuse-locked-sign-in';
import { issueSession } from '../auth/issue-session';
import { findUserById } from '../auth/user-queries';
import { boundBrowserHash, clearBinding } from '../http/browser-binding';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { verifyPasskeyAssertion } from './verify-passkey-assertion';

/** No cookie: a hash no binding has (64 hex digits never equal `-`). */
export const NO_BROWSER = '-'.repeat(64);

/**
 * Passwordless, usernameless sign-in (`auth.passkey.signIn`): an assertion to this browser's
 * `auth.passkey.options` challenge, from a passkey the server holds. A user-verified passkey
 * is possession and inherence at once, so the session is at level `mfa` (it satisfies an
 * org's "require MFA" and counts as a fresh re-authentication), method `passkey`. A locked or
 * banned account is refused as at password sign-in. Every refusal is audited; a cloned
 * authenticator (a counter that did not increase) names the passkey.
 */
export async function passkeySignIn(ctx: Context, input: PasskeySignInInput): Promise<SignedIn> {
  const { deps } = ctx;
  const browser = boundBrowserHash('passkey', ctx.headers.cookie, ctx.secure) ?? NO_BROWSER;
  const result = await verifyPasskeyAssertion(ctx, input.response, {
    userId: null,
    binding: { use: 'sign_in', browser },
  });
  if (!result.ok) {
    await ctx.audit.record(deps.db, 'auth.sign_in', {
      actor: { type: 'anonymous', id: null },
      ...(result.passkey ? { target: { type: 'user', id: result.passkey.user_id } } : {}),
      outcome: 'failure',
      details: {
        reason: 'INVALID_CREDENTIALS',
        method: 'passkey',
        cause: result.why,
        ...(result.passkey ? { authenticator: result.passkey.id } : {}),
      },
    });
    throw new AppError('INVALID_CREDENTIALS', { message: 'The passkey could not be verified' });
  }
  const user = await findUserById(deps.db, result.passkey.user_id);
  if (!user) throw new AppError('INVALID_CREDENTIALS');
  await refuseLockedSignIn(ctx, user, 'passkey');
  ctx.response.appendCookie(clearBinding('passkey', ctx.secure));
  return issueSession(ctx, user, 'mfa', 'passkey');
}
