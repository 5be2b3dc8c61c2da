import type { Ok } from '@gatehouse/shared';
import type { Context } from '../pipeline/context';
import { clearSessionCookie } from '../sessions/session-cookie';

/**
 * Deletes the current session (if any) and clears the cookie; idempotent. Signing out of an
 * impersonation ends it, and is recorded as its end.
 */
export async function signOut(ctx: Context): Promise<Ok> {
  const sessionId = ctx.principal?.sessionId;
  if (sessionId) {
    await ctx.deps.sessions.revoke(sessionId);
    await ctx.audit.record(ctx.deps.db, 'auth.sign_out', {
      target: { type: 'session', id: sessionId },
    });
    const impersonation = ctx.principal?.impersonation;
    if (impersonation && ctx.principal)
      await ctx.audit.record(ctx.deps.db, 'admin.user.end_impersonation', {
        target: { type: 'user', id: ctx.principal.userId },
        details: { sessionId, adminId: impersonation.adminId, cause: 'signed_out' },
      });
  }
  ctx.response.appendCookie(clearSessionCookie(ctx.secure));
  return { ok: true };
}
