import type { Accepted, ChangeEmailInput } from '@gatehouse/shared';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken, voidUserTokens } from '../auth/one-time-tokens';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { accountMails } from './account-mails';
import { emailTaken, findProfile } from './account-queries';

/** The new address has this long to confirm. */
export const EMAIL_CHANGE_TTL_MS = 24 * 3_600_000;
/** The old address can answer "this wasn't me" this long (after the change applied, too). */
export const EMAIL_REVERT_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Asks to move the account to another address (step-up: only a session that proved its
 * password or second factor just now). Nothing changes yet: the new address gets a link that
 * applies the change (`account.confirmEmailChange`), the old one a notice with a link that
 * undoes it and locks the account (`account.revertEmailChange`). The notice to the owner's
 * current address is never dropped: over its mail cap the request is refused, so flooding
 * requests cannot silence the notice of the one that matters. An address that already has an
 * account gets a note instead, and the answer is the same: the caller learns nothing about
 * who is registered. A newer request voids the links of older ones.
 */
export async function changeEmail(
  ctx: Context & { principal: Principal },
  input: ChangeEmailInput,
): Promise<Accepted> {
  const { deps, principal } = ctx;
  const baseUrl = publicBaseUrl(deps.config);
  await deps.db.transaction().execute(async (trx) => {
    const me = await findProfile(trx, principal.userId);
    if (!me) throw new AppError('UNAUTHENTICATED');
    if (me.email === input.newEmail) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'That is already your address',
        issues: [{ path: 'newEmail', code: 'custom', reason: 'VALIDATION_FAILED' }],
      });
    }
    await voidUserTokens(trx, me.id, 'email_change');
    await voidUserTokens(trx, me.id, 'email_change_revert');
    if (await emailTaken(trx, input.newEmail)) {
      await enqueueMail(
        trx,
        deps,
        'email_change_in_use',
        accountMails.addressInUse(input.newEmail, baseUrl),
      );
    } else {
      const change = { from: me.email, to: input.newEmail };
      const revert = await createOneTimeToken(
        trx,
        'email_change_revert',
        me.id,
        EMAIL_REVERT_TTL_MS,
        change,
      );
      await enqueueMail(
        trx,
        deps,
        'email_change_notice',
        accountMails.emailChangeRequested(me.email, baseUrl, input.newEmail, revert),
        { whenCapped: 'refuse' },
      );
      const confirm = await createOneTimeToken(
        trx,
        'email_change',
        me.id,
        EMAIL_CHANGE_TTL_MS,
        change,
      );
      await enqueueMail(
        trx,
        deps,
        'email_change_confirm',
        accountMails.confirmEmailChange(input.newEmail, baseUrl, confirm),
      );
    }
    // Neither address goes into the audit log: it must hold no personal data an erasure
    // would have to find there.
    await ctx.audit.record(trx, 'account.change_email', { target: { type: 'user', id: me.id } });
  });
  deps.outbox.kick();
  return { accepted: true };
}
