import type { Ok } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { authMails } from '../auth/auth-mails';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken } from '../auth/one-time-tokens';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import { noSuchUser } from './access-changer';
import { getUser } from './admin-user-queries';

/** As auth.requestPasswordReset's link: the mail (auth-mails.ts) says "within 30 minutes". */
const RESET_TTL_MS = 30 * 60_000;

/** An administrator mailing a user a reset link. */
export interface ResetSender {
  readonly deps: Pick<AppDeps, 'db' | 'config' | 'keyRing' | 'mailCap' | 'outbox'>;
  readonly audit: RequestAudit;
}

/**
 * Mails the user the same password-reset link `auth.requestPasswordReset`
 * mails an existing account (token purpose `password_reset`, 30 minutes, the
 * same text and per-recipient budget), with `admin.user.send_reset`; the
 * administrator never sees the link. Over the recipient's mail cap the answer
 * is RECIPIENT_RATE_LIMITED (the admin is the sender, nothing to hide). Also
 * how an invitation that ran out is sent again: a reset sets the first
 * password just as well.
 */
export async function sendPasswordReset(ctx: ResetSender, id: string): Promise<Ok> {
  const { deps } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    const user = await getUser(trx, id);
    if (!user) throw noSuchUser();
    if (user.lock_kind === 'erased')
      throw new AppError('CONFLICT', { message: 'This account has been erased' });
    const token = await createOneTimeToken(trx, 'password_reset', user.id, RESET_TTL_MS);
    await enqueueMail(
      trx,
      deps,
      'password_reset',
      authMails.passwordReset(user.email, publicBaseUrl(deps.config), token),
      { whenCapped: 'refuse' },
    );
    await ctx.audit.record(trx, 'admin.user.send_reset', { target: { type: 'user', id } });
  });
  deps.outbox.kick();
  return { ok: true };
}
