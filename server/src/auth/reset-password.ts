import type { Ok, ResetPasswordInput } from '@gatehouse/shared';
import { revokeAllUserKeys } from '../api-keys/api-key-queries';
import { wipeMfaEnrolledUnverified } from '../mfa/mfa-queries';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { deleteUserSessions } from '../sessions/session-queries';
import { consumeOneTimeToken, peekOneTimeToken, voidUserTokens } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { passwordRefusal } from './password-problem-message';
import { findUserById, markEmailVerified, updatePasswordHash } from './user-queries';

/**
 * Sets a new password from a mailed token: account recovery. Whoever held the
 * account before (perhaps someone who registered the address first) keeps
 * nothing: in the transaction that consumes the token (one winner under
 * concurrent use) every session and every API key is revoked, a second
 * factor enrolled before the email was verified is removed, and the email is
 * marked verified (the token came through it). After the commit the keys'
 * live JWTs stop on every instance and cached sessions are dropped.
 * The token and the password policy are checked before argon2 runs: a forged
 * token costs one indexed read, not a hash (a flood of them cannot take the
 * hasher from sign-ins).
 */
export async function resetPassword(ctx: Context, input: ResetPasswordInput): Promise<Ok> {
  const { deps } = ctx;
  const live = await peekOneTimeToken(deps.db, 'password_reset', input.token);
  if (!live.ok || live.userId === null) throw new AppError(live.ok ? 'TOKEN_INVALID' : live.reason);
  const owner = await findUserById(deps.db, live.userId);
  if (!owner) throw new AppError('TOKEN_INVALID');
  const early = passwordProblem(input.newPassword, owner.email, deps.config.auth.passwordMinLength);
  if (early) throw passwordRefusal(early, deps.config.auth.passwordMinLength, 'newPassword');
  // Hash before the transaction: argon2 must not hold a database connection.
  const hash = await deps.passwords.hash(input.newPassword);
  const { userId, keyIds } = await deps.db.transaction().execute(async (trx) => {
    const consumed = await consumeOneTimeToken(trx, 'password_reset', input.token);
    if (!consumed.ok || consumed.userId === null)
      throw new AppError(consumed.ok ? 'TOKEN_INVALID' : consumed.reason);
    const user = await findUserById(trx, consumed.userId);
    if (!user) throw new AppError('TOKEN_INVALID');
    const problem = passwordProblem(
      input.newPassword,
      user.email,
      deps.config.auth.passwordMinLength,
    );
    if (problem) throw passwordRefusal(problem, deps.config.auth.passwordMinLength, 'newPassword');
    await updatePasswordHash(trx, user.id, hash);
    await voidUserTokens(trx, user.id, 'password_reset');
    const mfaRemoved = await wipeMfaEnrolledUnverified(trx, user.id);
    await markEmailVerified(trx, user.id);
    const keys = await revokeAllUserKeys(trx, user.id);
    const sessions = await deleteUserSessions(trx, user.id);
    // The emailed token proves the owner, who is not signed in: the owner is the actor.
    const owner = { type: 'user', id: user.id } as const;
    await ctx.audit.record(trx, 'auth.reset_password', {
      actor: owner,
      target: owner,
      details: { apiKeysRevoked: keys.length, mfaRemoved },
    });
    await ctx.audit.record(trx, 'session.revoke_all', {
      actor: owner,
      target: owner,
      details: { count: sessions.length, cause: 'password_reset' },
    });
    return { userId: user.id, keyIds: keys };
  });
  // Committed: now tell every instance (cached sessions, which also carry the
  // verified flag; live JWTs of the keys).
  await deps.sessions.forgetUser(userId);
  await deps.tokenRevocations?.keysRevoked(keyIds);
  return { ok: true };
}
