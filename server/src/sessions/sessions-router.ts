import { NoInput, Ok, RevokedCount, SessionList, SessionRef } from '@gatehouse/shared';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from './own-session-service';

/** The caller's own sessions. Every query is scoped to the caller's user id. */
export const sessionsRouter = router({
  list: procedure
    .meta({ permission: 'session:manage', summary: "The caller's active sessions" })
    .input(NoInput)
    .output(SessionList)
    .query(({ ctx }) => listOwnSessions(ctx)),
  revoke: procedure
    .meta({ permission: 'session:manage', summary: "Revoke one of the caller's sessions" })
    .input(SessionRef)
    .output(Ok)
    .mutation(({ ctx, input }) => revokeOwnSession(ctx, input.id)),
  revokeOthers: procedure
    .meta({
      permission: 'session:manage',
      summary: 'Revoke every session of the caller but the current one',
    })
    .input(NoInput)
    .output(RevokedCount)
    .mutation(({ ctx }) => revokeOtherSessions(ctx)),
});
