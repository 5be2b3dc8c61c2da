import type { ChangePasswordInput, Ok } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { enqueueMail } from '../mail/enqueue-mail';
import { authMails } from './auth-mails';
import { voidUserTokens } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { passwordProblemMessage } from './password-problem-message';
import { findUserById, updatePasswordHash } from './user-queries';

/** Changes the caller's password after checking the current one; every other session is signed out. */
export async function changePassword(ctx: Context & { principal: Principal }, input: ChangePasswordInput): Promise<Ok> {
  const { deps, principal } = ctx;
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (!(await deps.passwords.verify(user.password_hash, input.currentPassword))) {
    await deps.audit.append(deps.db, { action: 'auth.change_password', actor: { type: 'user', id: user.id }, outcome: 'failure', ip: ctx.ip, requestId: ctx.requestId, details: { reason: 'INVALID_CREDENTIALS' } });
    throw new AppError('INVALID_CREDENTIALS', { message: 'The current password is incorrect' });
  }
  const problem = passwordProblem(input.newPassword, user.email, deps.config.auth.passwordMinLength);
  if (problem) throw new AppError(problem, { message: passwordProblemMessage(problem, deps.config.auth.passwordMinLength) });
  const hash = await deps.passwords.hash(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, hash);
    await voidUserTokens(trx, user.id, 'password_reset');
    await enqueueMail(trx, deps.keyRing, 'password_changed', authMails.passwordChanged(user.email));
    await deps.audit.append(trx, { action: 'auth.change_password', actor: { type: 'user', id: user.id }, target: { type: 'user', id: user.id }, outcome: 'success', ip: ctx.ip, requestId: ctx.requestId });
  });
  const revoked = await deps.sessions.revokeAllForUser(user.id, { exceptId: principal.sessionId });
  if (revoked > 0) {
    await deps.audit.append(deps.db, { action: 'session.revoke_others', actor: { type: 'user', id: user.id }, target: { type: 'user', id: user.id }, outcome: 'success', ip: ctx.ip, requestId: ctx.requestId, details: { count: revoked, cause: 'password_change' } });
  }
  deps.outbox.kick();
  return { ok: true };
}
