import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from '../auth/one-time-tokens';
import type { Context } from '../pipeline/context';

export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * After a correct password with MFA on: a 256-bit, single-use, 5-minute
 * challenge (stored as SHA-256, through the one-time-token functions every
 * single-use token goes through) instead of a session.
 */
export async function startMfaChallenge(
  ctx: Context,
  userId: string,
): Promise<{ status: 'mfa_required'; challenge: string; expiresAt: string }> {
  const { deps } = ctx;
  // Taken before the row is written, so the expiry the caller is told is never later than the
  // stored one.
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  const challenge = await createOneTimeToken(deps.db, 'mfa_challenge', userId, CHALLENGE_TTL_MS, {
    ip: ctx.ip,
  });
  // No principal yet: the account whose password was just proven is the actor.
  await ctx.audit.record(deps.db, 'auth.sign_in', {
    actor: { type: 'user', id: userId },
    details: { step: 'password', next: 'mfa' },
  });
  return { status: 'mfa_required', challenge, expiresAt: expiresAt.toISOString() };
}

/** The user a live (unused, unexpired) challenge belongs to, without using it up. */
export async function peekMfaChallenge(
  ctx: Context,
  challenge: string,
): Promise<{ userId: string } | { reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' }> {
  const found = await peekOneTimeToken(ctx.deps.db, 'mfa_challenge', challenge);
  if (!found.ok) return { reason: found.reason };
  if (found.userId === null) return { reason: 'TOKEN_INVALID' };
  return { userId: found.userId };
}

/** Uses the challenge up; false if someone else did first. */
export async function consumeMfaChallenge(ctx: Context, challenge: string): Promise<boolean> {
  return (await consumeOneTimeToken(ctx.deps.db, 'mfa_challenge', challenge)).ok;
}
