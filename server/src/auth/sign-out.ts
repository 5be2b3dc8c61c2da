import type { Ok } from '@gatehouse/shared';
import type { Context } from '../pipeline/context';
import { clearSessionCookie } from '../sessions/session-cookie';

/** Deletes the current session (if any) and clears the cookie; idempotent. */
export async function signOut(ctx: Context): Promise<Ok> {
  const sessionId = ctx.principal?.sessionId;
  if (sessionId) {
    await ctx.deps.sessions.revoke(sessionId);
    await ctx.deps.audit.append(ctx.deps.db, {
      action: 'auth.sign_out',
      actor: { type: 'user', id: ctx.principal?.userId ?? null },
      target: { type: 'session', id: sessionId },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
  }
  ctx.response.appendCookie(clearSessionCookie(ctx.secure));
  return { ok: true };
}
