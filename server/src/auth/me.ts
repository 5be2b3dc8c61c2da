import type { Me } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { publicUserFromRow, toPublicUser, toSessionInfo } from './public-user';
import { findUserById } from './user-queries';

/** The caller and, for a session, the current session. Served from the validated session when there is one. */
export async function me(ctx: Context & { principal: Principal }): Promise<Me> {
  const { principal, deps } = ctx;
  const session = principal.sessionId ? ctx.session : undefined;
  if (session) {
    return { user: toPublicUser(session.user), session: toSessionInfo(session, session.id) };
  }
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  return {
    user: publicUserFromRow(user),
    session: null,
  };
}
