import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from '../auth/one-time-tokens';
import type { Context } from '../pipeline/context';

/** How a sign-in's first factor was proven (sessions.auth_method). */
export type FirstFactor = 'password' | 'email_link' | 'email_code' | 'passkey' | `idp:${string}`;

export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * After a correct password with MFA on: a 256-bit, single-use, 5-minute
 * challenge (stored as SHA-256, through the one-time-token functions every
 * single-use token goes through) instead of a session.
 */
export async function startMfaChallenge(
  ctx: Context,
  userId: string,
  /** The first factor just proven; the session the challenge leads to records it. */
  method: FirstFactor = 'password',
): Promise<{ status: 'mfa_required'; challenge: string; expiresAt: string }> {
  const { deps } = ctx;
  // Taken before the row is written, so the expiry the caller is told is never later than the
  // stored one.
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  const challenge = await createOneTimeToken(deps.db, 'mfa_challenge', userId, CHALLENGE_TTL_MS, {
    ip: ctx.ip,
    method,
  });
  // No principal yet: the account whose password was just proven is the actor.
  await ctx.audit.record(deps.db, 'auth.sign_in', {
    actor: { type: 'user', id: userId },
    details: { step: method, next: 'mfa' },
  });
  return { status: 'mfa_required', challenge, expiresAt: expiresAt.toISOString() };
}

/** The user a live (unused, unexpired) challenge belongs to, without using it up. */
export async function peekMfaChallenge(
  ctx: Context,
  challenge: string,
): Promise<
  { userId: string; method: FirstFactor } | { reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' }
> {
  const found = await peekOneTimeToken(ctx.deps.db, 'mfa_challenge', challenge);
  if (!found.ok) return { reason: found.reason };
  if (found.userId === null) return { reason: 'TOKEN_INVALID' };
  const method = typeof found.data.method === 'string' ? found.data.method : 'password';
  return { userId: found.userId, method: method as FirstFactor };
}

/** Uses the challenge up; false if someone else did first. */
export async function consumeMfaChallenge(ctx: Context, challenge: string): Promise<boolean> {
  return (await consumeOneTimeToken(ctx.deps.db, 'mfa_challenge', challenge)).ok;
}
