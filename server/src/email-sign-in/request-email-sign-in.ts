import { randomInt } from 'node:crypto';
import type { Accepted, RequestEmailSignInInput } from '@gatehouse/shared';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken } from '../auth/one-time-tokens';
import { findUserByEmail } from '../auth/user-queries';
import { sha256 } from '../crypto/random-token';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { ipRateKey } from '../ratelimit/ip-rate-key';
import { bindBrowser } from '../http/browser-binding';
import { emailSignInMail } from './email-sign-in-mail';

/** The link and the code work this long, once. */
export const EMAIL_SIGN_IN_TTL_MS = 15 * 60_000;
/** Wrong codes before the code (and its link) stop working. */
export const CODE_ATTEMPTS = 5;

/**
 * Mails a one-time sign-in link and an 8-digit code if the address has an account; the answer
 * is the same, and as fast, either way: the lookup and the mail run after the response, as
 * for a password reset. Budgets per address and per IP (the password-reset limits,
 * counted apart), and the mail cap per recipient. The asking browser gets a binding cookie;
 * the link signs in that browser, asks for confirmation elsewhere, and the code works only
 * there.
 */
export async function requestEmailSignIn(
  ctx: Context,
  input: RequestEmailSignInInput,
): Promise<Accepted> {
  const { deps } = ctx;
  const [byEmail, byIp] = await Promise.all([
    deps.resetLimits.email.hit(`sign-in:${input.email}`),
    deps.resetLimits.ip.hit(`sign-in:${ipRateKey(ctx.ip)}`),
  ]);
  if (byEmail.exceeded || byIp.exceeded) {
    const retryMs = Math.max(
      byEmail.exceeded ? byEmail.retryAfterMs : 0,
      byIp.exceeded ? byIp.retryAfterMs : 0,
    );
    throw new AppError('RATE_LIMITED', {
      message: 'Too many sign-in mails asked for; try again later',
      retryAfterSeconds: Math.ceil(retryMs / 1000),
    });
  }
  const binding = bindBrowser('email_sign_in', ctx.secure, EMAIL_SIGN_IN_TTL_MS / 1000);
  ctx.response.appendCookie(binding.cookie);
  const { requestId, log } = ctx;
  setImmediate(() => {
    mailSignIn(ctx, input.email, binding.hash).catch((err: unknown) =>
      log.error({ err, requestId }, 'email sign-in request failed'),
    );
  });
  return { accepted: true };
}

async function mailSignIn(ctx: Context, email: string, browser: string): Promise<void> {
  const { deps } = ctx;
  const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
  const data = {
    browser,
    code: sha256(`${browser}:${code}`).toString('hex'),
    attemptsLeft: CODE_ATTEMPTS,
  };
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, email);
    // A locked account (banned, under review, erased) gets no mail: signing in would be refused.
    if (!user || user.locked_at !== null) {
      // The same writes as for an account: a token nobody holds, for nobody, already expired.
      await createOneTimeToken(trx, 'email_sign_in', null, 0, data);
      return;
    }
    const token = await createOneTimeToken(
      trx,
      'email_sign_in',
      user.id,
      EMAIL_SIGN_IN_TTL_MS,
      data,
    );
    const link = `${publicBaseUrl(deps.config)}/sign-in-link?token=${token}`;
    await enqueueMail(
      trx,
      deps,
      'email_sign_in',
      emailSignInMail(user.email, link, code, EMAIL_SIGN_IN_TTL_MS / 60_000),
    );
  });
  deps.outbox.kick();
}
