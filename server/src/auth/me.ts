import type { Me } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { publicUserFromRow, toPublicUser } from './public-user';
import { toSessionInfo } from '../sessions/to-session-info';
import type { ValidatedSession } from '../sessions/session-service';
import { findUserById } from './user-queries';

const views = new WeakMap<ValidatedSession, Me>();

/**
 * The caller and, for a session, the current session. Served from the validated session when there
 * is one.
 */
export async function me(ctx: Context & { principal: Principal }): Promise<Me> {
  const { principal, deps } = ctx;
  const session = principal.sessionId ? ctx.session : undefined;
  if (session) {
    // A cached session is one immutable object across calls: its public view is built once.
    let view = views.get(session);
    if (!view)
      views.set(
        session,
        (view = { user: toPublicUser(session.user), session: toSessionInfo(session, session.id) }),
      );
    return view;
  }
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  return {
    user: publicUserFromRow(user),
    session: null,
  };
}
