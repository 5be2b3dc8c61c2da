import type { Ok, ResetPasswordInput } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { consumeOneTimeToken, peekOneTimeToken, voidUserTokens } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { findUserById, updatePasswordHash } from './user-queries';

/**
 * Sets a new password from a mailed token. The token is consumed in the same
 * transaction as the password change (one winner under concurrent use), and
 * every session of the user is revoked. The token and the password policy
 * are checked before argon2 runs: a forged token costs one indexed read, not
 * a hash (a flood of them cannot take the hasher from sign-ins).
 */
export async function resetPassword(ctx: Context, input: ResetPasswordInput): Promise<Ok> {
  const { deps } = ctx;
  const live = await peekOneTimeToken(deps.db, 'password_reset', input.token);
  if (!live.ok || live.userId === null) throw new AppError(live.ok ? 'TOKEN_INVALID' : live.reason);
  const owner = await findUserById(deps.db, live.userId);
  if (!owner) throw new AppError('TOKEN_INVALID');
  const early = passwordProblem(input.newPassword, owner.email, deps.config.auth.passwordMinLength);
  if (early) throw new AppError(early);
  // Hash before the transaction: argon2 must not hold a database connection.
  const hash = await deps.passwords.hash(input.newPassword);
  const userId = await deps.db.transaction().execute(async (trx) => {
    const consumed = await consumeOneTimeToken(trx, 'password_reset', input.token);
    if (!consumed.ok || consumed.userId === null) throw new AppError(consumed.ok ? 'TOKEN_INVALID' : consumed.reason);
    const user = await findUserById(trx, consumed.userId);
    if (!user) throw new AppError('TOKEN_INVALID');
    const problem = passwordProblem(input.newPassword, user.email, deps.config.auth.passwordMinLength);
    if (problem) throw new AppError(problem);
    await updatePasswordHash(trx, user.id, hash);
    await voidUserTokens(trx, user.id, 'password_reset');
    await deps.audit.append(trx, { action: 'auth.reset_password', actor: { type: 'user', id: user.id }, target: { type: 'user', id: user.id }, outcome: 'success', ip: ctx.ip, requestId: ctx.requestId });
    return user.id;
  });
  const revoked = await deps.sessions.revokeAllForUser(userId);
  await deps.audit.append(deps.db, { action: 'session.revoke_all', actor: { type: 'user', id: userId }, target: { type: 'user', id: userId }, outcome: 'success', ip: ctx.ip, requestId: ctx.requestId, details: { count: revoked, cause: 'password_reset' } });
  return { ok: true };
}
