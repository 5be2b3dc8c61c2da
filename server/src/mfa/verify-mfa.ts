import type { SignedIn, VerifyMfaInput } from '@gatehouse/shared';
import { signInLockRefusal } from '../admin/sign-in-lock-refusal';
import { issueSession } from '../auth/issue-session';
import { loginBudget } from '../auth/login-budget';
import { findUserById } from '../auth/user-queries';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { checkSecondFactor } from './check-second-factor';
import { checkPasskeyFactor } from './check-passkey-factor';
import { consumeMfaChallenge, peekMfaChallenge } from './mfa-challenge';

/**
 * The second step of sign-in: a live challenge plus a TOTP or recovery code, or
 * a passkey's assertion to `auth.passkey.options({ mfaChallenge })`, issues a
 * session at auth level `mfa`. Failures spend the same budget as
 * password failures (per account across addresses, or the trusted device's
 * own; see login-budget.ts); the challenge is used up only by success.
 */
export async function verifyMfa(ctx: Context, input: VerifyMfaInput): Promise<SignedIn> {
  const { deps } = ctx;
  const found = await peekMfaChallenge(ctx, input.challenge);
  if ('reason' in found)
    throw new AppError(found.reason, {
      message: 'The sign-in challenge is invalid or has expired; sign in again',
    });
  const user = await findUserById(deps.db, found.userId);
  if (!user) throw new AppError('TOKEN_INVALID');
  const budget = loginBudget(ctx, user.email);
  const blockedMs = await budget.blockedMs();
  if (blockedMs > 0)
    throw new AppError('TOO_MANY_ATTEMPTS', {
      message: 'Too many failed attempts; try again later',
      retryAfterSeconds: Math.ceil(blockedMs / 1000),
    });

  // No principal yet: the account whose password was just proven is the actor.
  const actor = { type: 'user', id: user.id } as const;
  if ('passkey' in input) {
    if (!(await checkPasskeyFactor(ctx, user.id, input.passkey, { mfa: input.challenge }, actor))) {
      await budget.fail();
      throw new AppError('INVALID_CREDENTIALS', { message: 'The passkey could not be verified' });
    }
  } else {
    const proof = 'code' in input ? { code: input.code } : { recoveryCode: input.recoveryCode };
    if (!(await checkSecondFactor(ctx, user.id, proof, actor))) {
      await budget.fail();
      throw new AppError('MFA_INVALID_CODE', { message: 'The code is not valid' });
    }
  }
  if (!(await consumeMfaChallenge(ctx, input.challenge)))
    throw new AppError('TOKEN_INVALID', { message: 'The sign-in challenge was already used' });
  // ACCOUNT_BANNED (its end, never its reason) or ACCOUNT_LOCKED; a ban that ran out is lifted.
  const refused = user.locked_at !== null ? await signInLockRefusal(ctx, user.id) : undefined;
  if (refused) throw refused;
  await budget.succeed();
  return issueSession(ctx, user, 'mfa', found.method);
}
