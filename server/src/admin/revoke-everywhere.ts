import type { AccessChanger } from './access-changer';

/**
 * Deletes every session of the user, and every impersonation the user holds
 * as an administrator (session-queries.ts `deleteUserSessions`), and drops the
 * cached copies on every instance (sessions, impersonations and the user's
 * cached API keys), with one `session.revoke_all` row naming the cause.
 * Returns how many were revoked.
 */
export async function revokeEverywhere(
  ctx: AccessChanger,
  userId: string,
  cause: string,
): Promise<number> {
  const revoked = await ctx.deps.sessions.revokeAllForUser(userId);
  await ctx.deps.sessions.forgetUser(userId);
  await ctx.audit.record(ctx.deps.db, 'session.revoke_all', {
    target: { type: 'user', id: userId },
    details: { count: revoked, cause },
  });
  return revoked;
}
