import { sql } from 'kysely';
import { generateToken, sha256 } from '../crypto/random-token';
import type { Context } from '../pipeline/context';

export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * After a correct password with MFA on: a 256-bit, single-use, 5-minute
 * challenge (stored as SHA-256) instead of a session.
 */
export async function startMfaChallenge(
  ctx: Context,
  userId: string,
): Promise<{ status: 'mfa_required'; challenge: string; expiresAt: string }> {
  const { deps } = ctx;
  const challenge = generateToken(32);
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  await deps.db
    .insertInto('one_time_tokens')
    .values({
      token_hash: sha256(challenge),
      purpose: 'mfa_challenge',
      user_id: userId,
      data: JSON.stringify({ ip: ctx.ip }),
      expires_at: expiresAt,
    })
    .execute();
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
  const row = await ctx.deps.db
    .selectFrom('one_time_tokens')
    .select(['user_id', 'consumed_at', 'expires_at'])
    .where('token_hash', '=', sha256(challenge))
    .where('purpose', '=', 'mfa_challenge')
    .executeTakeFirst();
  if (!row || row.user_id === null || row.consumed_at !== null) return { reason: 'TOKEN_INVALID' };
  if (new Date(row.expires_at).getTime() <= Date.now()) return { reason: 'TOKEN_EXPIRED' };
  return { userId: row.user_id };
}

/** Uses the challenge up; false if someone else did first. */
export async function consumeMfaChallenge(ctx: Context, challenge: string): Promise<boolean> {
  const r = await ctx.deps.db
    .updateTable('one_time_tokens')
    .set({ consumed_at: sql`now()` })
    .where('token_hash', '=', sha256(challenge))
    .where('purpose', '=', 'mfa_challenge')
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
