import type { DeleteUserInput, UserDeleted } from '@gatehouse/shared';
import { scheduleDeletion } from '../account/account-queries';
import { deletionBlocker } from '../account/deletion-blockers';
import { announceEndedAccess, endAllAccess, type EndedAccess } from '../account/end-all-access';
import { eraseAccount } from '../account/erase-account';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { noSuchUser } from './access-changer';

/** What an administrator deleting an account needs. */
export interface UserDeleter {
  readonly deps: Pick<
    AppDeps,
    | 'db'
    | 'config'
    | 'audit'
    | 'sessions'
    | 'tokenRevocations'
    | 'apiKeysChanged'
    | 'membershipsChanged'
  >;
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly ip: string;
}

/**
 * Deletes someone's account (step-up), with the self-service erasure (account/erase-account.ts):
 * at once when the administrator says so, else after ACCOUNT_DELETION_GRACE_DAYS (signing in
 * cancels it, as for the owner's own request). Either way every credential ends now. Refused for
 * the caller's own account (account.delete is for that), for the only owner of an org
 * (LAST_OWNER) and for the last administrator (LAST_ADMIN).
 */
export async function deleteUser(ctx: UserDeleter, input: DeleteUserInput): Promise<UserDeleted> {
  const { deps } = ctx;
  if (input.id === ctx.principal.userId)
    throw new AppError('FORBIDDEN', { message: 'Delete your own account with account.delete' });
  const result = await deps.db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'erased_at'])
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!user || user.erased_at !== null) throw noSuchUser();
    const blocked = await deletionBlocker(trx, user);
    if (blocked) throw blocked;
    await ctx.audit.record(trx, 'admin.user.delete', {
      target: { type: 'user', id: user.id },
      details: { immediately: input.immediately },
    });
    if (input.immediately) {
      const erased = await eraseAccount(trx, deps.audit, user.id, {
        actor: ctx.audit.actor,
        cause: 'admin',
        ip: ctx.ip,
      });
      if (!erased.erased) throw new AppError('CONFLICT', { message: erased.why });
      return { ended: erased.ended, orgIds: erased.orgIds, due: null };
    }
    const due = new Date(Date.now() + deps.config.auth.deletionGraceMs);
    await scheduleDeletion(trx, user.id, due);
    const ended: EndedAccess = await endAllAccess(trx, user.id);
    return { ended, orgIds: [], due };
  });
  await announceEndedAccess(deps, result.ended);
  if (result.due === null) await deps.membershipsChanged({ userIds: [input.id] });
  return result.due === null
    ? { status: 'erased', deletionDueAt: null }
    : { status: 'scheduled', deletionDueAt: result.due.toISOString() };
}
