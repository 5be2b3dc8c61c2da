import type { ChangePasswordInput, Ok } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { listActiveUserKeys } from '../api-keys/api-key-queries';
import { enqueueMail } from '../mail/enqueue-mail';
import { authMails } from './auth-mails';
import { voidUserTokens } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { passwordRefusal } from './password-problem-message';
import { findUserById, updatePasswordHash } from './user-queries';

/**
 * Changes the caller's password after checking the current one; every other session is signed out.
 */
export async function changePassword(
  ctx: Context & { principal: Principal },
  input: ChangePasswordInput,
): Promise<Ok> {
  const { deps, principal } = ctx;
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (!(await deps.passwords.verify(user.password_hash, input.currentPassword))) {
    await ctx.audit.record(deps.db, 'auth.change_password', {
      outcome: 'failure',
      details: { reason: 'INVALID_CREDENTIALS' },
    });
    throw new AppError('INVALID_CREDENTIALS', { message: 'The current password is incorrect' });
  }
  const problem = passwordProblem(
    input.newPassword,
    user.email,
    deps.config.auth.passwordMinLength,
  );
  if (problem) throw passwordRefusal(problem, deps.config.auth.passwordMinLength, 'newPassword');
  const hash = await deps.passwords.hash(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, hash);
    await voidUserTokens(trx, user.id, 'password_reset');
    const keys = (await listActiveUserKeys(trx, user.id)).map((k) => ({
      id: k.id,
      name: k.name,
      expiresAt: new Date(k.expires_at),
    }));
    await enqueueMail(trx, deps, 'password_changed', authMails.passwordChanged(user.email, keys));
    await ctx.audit.record(trx, 'auth.change_password', { target: { type: 'user', id: user.id } });
  });
  const revoked = await deps.sessions.revokeAllForUser(user.id, { exceptId: principal.sessionId });
  if (revoked > 0) {
    await ctx.audit.record(deps.db, 'session.revoke_others', {
      target: { type: 'user', id: user.id },
      details: { count: revoked, cause: 'password_change' },
    });
  }
  deps.outbox.kick();
  return { ok: true };
}
