import type { Ok } from '@gatehouse/shared';
import { authMails } from '../auth/auth-mails';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken, voidUserTokens } from '../auth/one-time-tokens';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { findProfile } from './account-queries';

const VERIFY_TTL_MS = 48 * 3_600_000;

/**
 * Mails a new verification link to the caller's own address (older links stop working). The
 * caller is the sender and the address their own, so over the address's mail cap they are
 * told (RECIPIENT_RATE_LIMITED with Retry-After) rather than the mail dropped. A verified
 * address gets no mail.
 */
export async function resendVerification(ctx: Context & { principal: Principal }): Promise<Ok> {
  const { deps, principal } = ctx;
  const sent = await deps.db.transaction().execute(async (trx) => {
    const me = await findProfile(trx, principal.userId);
    if (!me) throw new AppError('UNAUTHENTICATED');
    if (me.email_verified_at !== null) return false;
    await voidUserTokens(trx, me.id, 'email_verification');
    const token = await createOneTimeToken(trx, 'email_verification', me.id, VERIFY_TTL_MS);
    await enqueueMail(
      trx,
      deps,
      'verify_email',
      authMails.verifyEmail(me.email, publicBaseUrl(deps.config), token),
      { whenCapped: 'refuse' },
    );
    await ctx.audit.record(trx, 'account.resend_verification', {
      target: { type: 'user', id: me.id },
    });
    return true;
  });
  if (sent) deps.outbox.kick();
  return { ok: true };
}
