import type { DeletionScheduled } from '@gatehouse/shared';
import { findUserById } from '../auth/user-queries';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { clearSessionCookie } from '../sessions/session-cookie';
import { accountMails } from './account-mails';
import { scheduleDeletion } from './account-queries';
import type { AccountJobs } from './account-jobs';
import { deletionBlocker } from './deletion-blockers';
import { announceEndedAccess, endAllAccess } from './end-all-access';

/**
 * Deletes the caller's account (step-up), after a grace period (ACCOUNT_DELETION_GRACE_DAYS,
 * default 7) during which signing in cancels it. Refused while the account is the only owner
 * of an org (LAST_OWNER, naming them) or the last administrator (LAST_ADMIN). At once, in one
 * transaction: every session is signed out (this one too), every API key revoked, live access
 * tokens die, and a mail confirms the date. The erasure itself (erase-account.ts) runs off the
 * request path when the date comes.
 */
export async function requestDeletion(
  ctx: Context & { principal: Principal },
  jobs: AccountJobs,
): Promise<DeletionScheduled> {
  const { deps, principal } = ctx;
  const due = new Date(Date.now() + deps.config.auth.deletionGraceMs);
  const ended = await deps.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, principal.userId);
    if (!user) throw new AppError('UNAUTHENTICATED');
    const blocked = await deletionBlocker(trx, user);
    if (blocked) throw blocked;
    await scheduleDeletion(trx, user.id, due);
    const access = await endAllAccess(trx, user.id);
    await enqueueMail(
      trx,
      deps,
      'account_deletion',
      accountMails.deletionScheduled(user.email, due),
    );
    await ctx.audit.record(trx, 'account.request_deletion', {
      target: { type: 'user', id: user.id },
      details: {
        deletionDueAt: due.toISOString(),
        sessionsRevoked: access.sessionIds.length,
        apiKeysRevoked: access.apiKeyIds.length,
      },
    });
    return access;
  });
  await announceEndedAccess(deps, ended);
  ctx.response.appendCookie(clearSessionCookie(ctx.secure));
  deps.outbox.kick();
  if (deps.config.auth.deletionGraceMs === 0) jobs.kick();
  return { deletionDueAt: due.toISOString() };
}
