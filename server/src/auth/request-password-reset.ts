import type { Accepted } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import { ipRateKey } from '../ratelimit/ip-rate-key';
import type { Context } from '../pipeline/context';
import type { RequestAudit } from '../audit/request-audit';
import { enqueueMail } from '../mail/enqueue-mail';
import { authMails } from './auth-mails';
import { publicBaseUrl } from './base-url';
import { createOneTimeToken } from './one-time-tokens';
import { findUserByEmail } from './user-queries';

const RESET_TTL_MS = 30 * 60_000;

/**
 * Mails a reset link if the account exists; the answer is the same either
 * way. Limited per email and per IP (IPv6 by /64) so it cannot be used to
 * flood a mailbox. The answer goes out before the account is looked up: the
 * lookup, the token and the mail enqueue run as a job after the response
 * (setImmediate), for a known and an unknown email alike, so the response
 * time says nothing about who is registered.
 */
export async function requestPasswordReset(
  ctx: Context,
  input: { email: string },
): Promise<Accepted> {
  const { deps } = ctx;
  const [byEmail, byIp] = await Promise.all([
    deps.resetLimits.email.hit(input.email),
    deps.resetLimits.ip.hit(ipRateKey(ctx.ip)),
  ]);
  if (byEmail.exceeded || byIp.exceeded) {
    const retryMs = Math.max(
      byEmail.exceeded ? byEmail.retryAfterMs : 0,
      byIp.exceeded ? byIp.retryAfterMs : 0,
    );
    throw new AppError('RATE_LIMITED', {
      message: 'Too many reset requests; try again later',
      retryAfterSeconds: Math.ceil(retryMs / 1000),
    });
  }
  const { audit, requestId, log } = ctx;
  setImmediate(() => {
    mailResetLink(deps, audit, input.email).catch((err: unknown) =>
      log.error({ err, requestId }, 'password reset request failed'),
    );
  });
  return { accepted: true };
}

async function mailResetLink(
  deps: Context['deps'],
  audit: RequestAudit,
  email: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, email);
    if (!user) {
      // The same writes as a known email, so this job's cost (felt by the next
      // request) says nothing either: a token no one holds, for no user, already expired.
      await createOneTimeToken(trx, 'password_reset', null, 0);
      return;
    }
    const token = await createOneTimeToken(trx, 'password_reset', user.id, RESET_TTL_MS);
    await enqueueMail(
      trx,
      deps,
      'password_reset',
      authMails.passwordReset(user.email, publicBaseUrl(deps.config), token),
    );
    // The asker is whoever sent the request (anonymous unless signed in), not the account.
    await audit.record(trx, 'auth.request_password_reset', {
      target: { type: 'user', id: user.id },
    });
  });
  deps.outbox.kick();
}
