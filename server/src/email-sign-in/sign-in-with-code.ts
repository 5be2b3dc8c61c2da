import { randomUUID } from 'node:crypto';
import type { EmailCodeSignInInput, SignInResult } from '@gatehouse/shared';
import { findUserByEmail } from '../auth/user-queries';
import { constantTimeEqual, sha256 } from '../crypto/random-token';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { boundBrowserHash } from '../http/browser-binding';
import { completeEmailSignIn } from './complete-email-sign-in';
import { consumeByHash, liveTokenForBrowser, spendAttempt } from './email-sign-in-queries';

/** No cookie: a hash no binding has (64 hex digits never equal `-`). */
const NO_BROWSER = '-'.repeat(64);

const WRONG = (): AppError =>
  new AppError('INVALID_CREDENTIALS', { message: 'The code is not valid for this browser' });

/**
 * Signs in with the 8-digit code from the mail, for when the link opens on another device.
 * The code works only in the browser that asked for it (its binding cookie), five wrong codes
 * void it, and an unknown address, a missing cookie and a wrong code all get the same
 * INVALID_CREDENTIALS.
 */
export async function signInWithCode(
  ctx: Context,
  input: EmailCodeSignInInput,
): Promise<SignInResult> {
  const { deps } = ctx;
  const browser = boundBrowserHash('email_sign_in', ctx.headers.cookie, ctx.secure) ?? NO_BROWSER;
  const user = await findUserByEmail(deps.db, input.email);
  // An unknown address or a missing cookie does the same reads as a wrong code: the time
  // taken says nothing about who has an account.
  const ok = await deps.db.transaction().execute(async (trx) => {
    const row = await liveTokenForBrowser(trx, user?.id ?? randomUUID(), browser);
    if (!row) return false;
    const data = row.data as { code?: unknown; attemptsLeft?: unknown };
    const expected = Buffer.from(typeof data.code === 'string' ? data.code : '', 'hex');
    const given = sha256(`${browser}:${input.code}`);
    if (!constantTimeEqual(expected, given)) {
      await spendAttempt(trx, row.token_hash, Number(data.attemptsLeft ?? 0));
      return false;
    }
    return consumeByHash(trx, row.token_hash);
  });
  if (!ok || !user) {
    if (!user) throw WRONG();
    await ctx.audit.record(deps.db, 'auth.sign_in', {
      actor: { type: 'anonymous', id: null },
      target: { type: 'user', id: user.id },
      outcome: 'failure',
      details: { reason: 'INVALID_CREDENTIALS', method: 'email_code' },
    });
    throw WRONG();
  }
  return completeEmailSignIn(ctx, user.id, 'email_code');
}
