import type { Ok } from '@gatehouse/shared';
import type { Context } from '../pipeline/context';
import { clearSessionCookie } from '../sessions/session-cookie';

/** Deletes the current session (if any) and clears the cookie; idempotent. */
export async function signOut(ctx: Context): Promise<Ok> {
  const sessionId = ctx.principal?.sessionId;
  if (sessionId) {
    await ctx.deps.sessions.revoke(sessionId);
    await ctx.audit.record(ctx.deps.db, 'auth.sign_out', {
      target: { type: 'session', id: sessionId },
    });
  }
  ctx.response.appendCookie(clearSessionCookie(ctx.secure));
  return { ok: true };
}
