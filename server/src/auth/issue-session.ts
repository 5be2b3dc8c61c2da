import type { SignedIn } from '@gatehouse/shared';
import { cancelPendingDeletion } from '../account/cancel-deletion';
import { noticeNewDevice } from './new-device-notice';
import type { FirstFactor } from '../mfa/mfa-challenge';
import type { Context } from '../pipeline/context';
import { serializeSessionCookie } from '../sessions/session-cookie';
import { publicUserFromRow } from './public-user';
import { toSessionInfo } from '../sessions/to-session-info';
import type { UserRow } from './user-queries';

/**
 * Starts a new session for a user who has fully authenticated: drops the
 * session the request came with (no fixation), sets the cookie, audits.
 * The browser also gets (or renews) its device cookie for this account, which
 * gives it its own sign-in failure budget from now on (login-budget.ts).
 */
export async function issueSession(
  ctx: Context,
  user: UserRow,
  authLevel: 'password' | 'mfa',
  /** How the first factor was proven (the audit row's `details.method`). */
  method: FirstFactor = 'password',
): Promise<SignedIn> {
  const { deps } = ctx;
  // Signing in during a deletion's grace period keeps the account.
  await cancelPendingDeletion(ctx, user);
  // Before this sign-in's own audit row, which would make every account "seen before".
  await noticeNewDevice(ctx, user);
  if (ctx.principal?.sessionId) await deps.sessions.revoke(ctx.principal.sessionId);
  const { token, session } = await deps.sessions.create(user.id, {
    ip: ctx.ip,
    userAgent: ctx.userAgent ?? null,
    authLevel,
    authMethod: method,
  });
  ctx.response.appendCookie(
    serializeSessionCookie(token, {
      secure: ctx.secure,
      maxAgeSeconds: deps.config.auth.sessionAbsoluteMs / 1000,
    }),
  );
  const device = deps.deviceCookies.read(ctx.headers.cookie, ctx.secure);
  ctx.response.appendCookie(
    deps.deviceCookies.issue(user.email, {
      secure: ctx.secure,
      ...(device ? { deviceId: device.deviceId } : {}),
    }),
  );
  // The request had no principal of this user yet: the actor is the user now signed in.
  await ctx.audit.record(deps.db, 'auth.sign_in', {
    actor: { type: 'user', id: user.id },
    target: { type: 'session', id: session.id },
    details: { authLevel, method },
  });
  return {
    status: 'signed_in',
    user: publicUserFromRow(user),
    session: toSessionInfo(session, session.id),
  };
}
