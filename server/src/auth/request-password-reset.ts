import type { Accepted } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { enqueueMail } from '../mail/enqueue-mail';
import { authMails } from './auth-mails';
import { publicBaseUrl } from './base-url';
import { createOneTimeToken } from './one-time-tokens';
import { findUserByEmail } from './user-queries';

const RESET_TTL_MS = 30 * 60_000;

/**
 * Mails a reset link if the account exists; the answer is the same either
 * way. Limited per email and per IP so it cannot be used to flood a mailbox.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string }): Promise<Accepted> {
  const { deps } = ctx;
  const [byEmail, byIp] = await Promise.all([deps.resetLimits.email.hit(input.email), deps.resetLimits.ip.hit(ctx.ip)]);
  if (byEmail.exceeded || byIp.exceeded) {
    const retryMs = Math.max(byEmail.exceeded ? byEmail.retryAfterMs : 0, byIp.exceeded ? byIp.retryAfterMs : 0);
    throw new AppError('RATE_LIMITED', { message: 'Too many reset requests; try again later', retryAfterSeconds: Math.ceil(retryMs / 1000) });
  }
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, input.email);
    if (!user) return;
    const token = await createOneTimeToken(trx, 'password_reset', user.id, RESET_TTL_MS);
    await enqueueMail(trx, deps, 'password_reset', authMails.passwordReset(user.email, publicBaseUrl(deps.config), token));
    await deps.audit.append(trx, { action: 'auth.request_password_reset', actor: { type: 'anonymous', id: null }, target: { type: 'user', id: user.id }, outcome: 'success', ip: ctx.ip, requestId: ctx.requestId });
  });
  deps.outbox.kick();
  return { accepted: true };
}
