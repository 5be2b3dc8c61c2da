import { NoInput, Ok, RevokedCount, SessionList, SessionRef } from '@gatehouse/shared';
import { toSessionInfo } from '../auth/public-user';
import { AppError } from '../pipeline/app-error';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { actorOf } from '../pipeline/audit-sink';

/** The caller's own sessions. Every query is scoped to the caller's user id. */
export const sessionsRouter = router({
  list: procedure
    .meta({ permission: 'session:manage', summary: "The caller's active sessions" })
    .input(NoInput)
    .output(SessionList)
    .query(async ({ ctx }) => {
      const sessions = await ctx.deps.sessions.list(ctx.principal.userId);
      return { sessions: sessions.map((s) => toSessionInfo(s, ctx.principal.sessionId)) };
    }),
  revoke: procedure
    .meta({
      permission: 'session:manage',
      summary: "Revoke one of the caller's sessions",
    })
    .input(SessionRef)
    .output(Ok)
    .mutation(async ({ ctx, input }) => {
      const removed = await ctx.deps.sessions.revokeOwn(ctx.principal.userId, input.id);
      // Someone else's session id answers exactly like an unknown one.
      if (!removed) throw new AppError('NOT_FOUND', { message: 'No such session' });
      await ctx.deps.audit.append(ctx.deps.db, {
        action: 'session.revoke',
        actor: actorOf(ctx.principal),
        target: { type: 'session', id: input.id },
        outcome: 'success',
        ip: ctx.ip,
        requestId: ctx.requestId,
      });
      return { ok: true as const };
    }),
  revokeOthers: procedure
    .meta({
      permission: 'session:manage',
      summary: 'Revoke every session of the caller but the current one',
    })
    .input(NoInput)
    .output(RevokedCount)
    .mutation(async ({ ctx }) => {
      const revoked = await ctx.deps.sessions.revokeAllForUser(ctx.principal.userId, {
        exceptId: ctx.principal.sessionId,
      });
      await ctx.deps.audit.append(ctx.deps.db, {
        action: 'session.revoke_others',
        actor: actorOf(ctx.principal),
        target: { type: 'user', id: ctx.principal.userId },
        outcome: 'success',
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { count: revoked },
      });
      return { revoked };
    }),
});
