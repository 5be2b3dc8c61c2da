import type { Ok, SessionInfo } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { toSessionInfo } from './to-session-info';

/** What managing the caller's own sessions needs: the caller, the recorder, two services. */
export interface OwnSessionContext {
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly deps: Pick<AppDeps, 'db' | 'sessions'>;
}

/** The caller's active sessions; the one the request came with is marked `current`. */
export async function listOwnSessions(
  ctx: OwnSessionContext,
): Promise<{ sessions: SessionInfo[] }> {
  const sessions = await ctx.deps.sessions.list(ctx.principal.userId);
  return { sessions: sessions.map((s) => toSessionInfo(s, ctx.principal.sessionId)) };
}

/** Revokes one of the caller's sessions; someone else's id answers exactly like an unknown one. */
export async function revokeOwnSession(ctx: OwnSessionContext, id: string): Promise<Ok> {
  const removed = await ctx.deps.sessions.revokeOwn(ctx.principal.userId, id);
  if (!removed) throw new AppError('NOT_FOUND', { message: 'No such session' });
  await ctx.audit.record(ctx.deps.db, 'session.revoke', { target: { type: 'session', id } });
  return { ok: true };
}

/** Revokes every session of the caller but the one the request came with (none for a key). */
export async function revokeOtherSessions(ctx: OwnSessionContext): Promise<{ revoked: number }> {
  const { principal } = ctx;
  const revoked = await ctx.deps.sessions.revokeAllForUser(principal.userId, {
    exceptId: principal.sessionId,
  });
  await ctx.audit.record(ctx.deps.db, 'session.revoke_others', {
    target: { type: 'user', id: principal.userId },
    details: { count: revoked },
  });
  return { revoked };
}
