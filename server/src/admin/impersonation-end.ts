import type { Impersonation, Ok } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { AppError } from '../pipeline/app-error';
import type { ResponseControl } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { clearSessionCookie } from '../sessions/session-cookie';
import { deleteImpersonation } from './impersonation-queries';

/** Whoever ends an impersonation: the impersonation session itself, or an administrator. */
export interface ImpersonationEnder {
  readonly deps: Pick<AppDeps, 'db' | 'sessions'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly secure: boolean;
  readonly response: ResponseControl;
}

/**
 * Ends one impersonation: deleted and recorded in one transaction, then dropped from every
 * instance's cache (the revocation bus). NOT_FOUND when the id is no live impersonation.
 */
async function endImpersonation(
  ctx: ImpersonationEnder,
  sessionId: string,
  cause: 'ended' | 'revoked',
): Promise<Impersonation> {
  const ended = await ctx.deps.db.transaction().execute(async (trx) => {
    const gone = await deleteImpersonation(trx, sessionId);
    if (!gone) throw new AppError('NOT_FOUND', { message: 'No such impersonation' });
    await ctx.audit.record(trx, 'admin.user.end_impersonation', {
      target: { type: 'user', id: gone.userId },
      details: { sessionId, adminId: gone.adminId, cause },
    });
    return gone;
  });
  // Already deleted: this publishes the revocation so no instance serves it from memory.
  await ctx.deps.sessions.revoke(sessionId);
  return ended;
}

/**
 * `admin.impersonation.end`, from the impersonation session (read-only or not; its meta says
 * `impersonationOnly`, so the pipeline refuses every other caller): ends it and clears the
 * cookie; the browser is signed out (the administrator signs in again as themselves).
 */
export async function endCurrentImpersonation(ctx: ImpersonationEnder): Promise<Ok> {
  const { principal } = ctx;
  // Narrows the types; the pipeline let only an impersonation session through.
  if (principal.impersonation === undefined || principal.sessionId === undefined)
    throw new AppError('FORBIDDEN', { message: 'Only an impersonation session may do this' });
  await endImpersonation(ctx, principal.sessionId, 'ended');
  ctx.response.appendCookie(clearSessionCookie(ctx.secure));
  return { ok: true };
}

/**
 * `admin.impersonation.revoke`: an administrator ends any live impersonation by its session id
 * (their own from another browser, or a colleague's). An ordinary session's id is NOT_FOUND.
 */
export async function revokeImpersonation(ctx: ImpersonationEnder, sessionId: string): Promise<Ok> {
  await endImpersonation(ctx, sessionId, 'revoked');
  return { ok: true };
}
