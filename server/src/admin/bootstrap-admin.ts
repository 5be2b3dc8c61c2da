import type { BootstrapAdminInput, BootstrapAdminResult } from '@gatehouse/shared';
import { revokeAllUserKeys } from '../api-keys/api-key-queries';
import { passwordProblem } from '../auth/password-policy';
import { passwordProblemMessage } from '../auth/password-problem-message';
import { publicUserFromRow } from '../auth/public-user';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  markEmailVerified,
  updatePasswordHash,
} from '../auth/user-queries';
import { sha256 } from '../crypto/random-token';
import { wipeMfaEnrolledUnverified } from '../mfa/mfa-queries';
import { AppError } from '../pipeline/app-error';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { deleteUserSessions } from '../sessions/session-queries';
import { setRole } from './admin-user-queries';
import { adminExists, consumeBootstrapToken } from './bootstrap-token-queries';

const REFUSED =
  'The bootstrap link is invalid, expired or used, or an administrator exists already; ' +
  'restart the server (while no administrator exists) for a new link, ' +
  'or use `gatehouse admin create`';

/** An anonymous request holding the logged link. */
export interface BootstrapCaller {
  readonly deps: Pick<AppDeps, 'config' | 'db' | 'passwords' | 'sessions' | 'tokenRevocations'>;
  readonly audit: RequestAudit;
}

/**
 * The first administrator, from the one-time link logged at start-up. In one
 * transaction: the token is consumed (one winner), no admin may exist, and
 * the email's account is created with the admin role and a verified email
 * (whoever holds the link proved control of the server, not of the mailbox),
 * or, if the email has an account, that account is recovered the way a
 * password reset does (new password, sessions and API keys revoked, a second
 * factor from before verification removed) and promoted: whoever registered
 * the address first keeps nothing. One audit event, `admin.bootstrap`.
 */
export async function bootstrapAdmin(
  ctx: BootstrapCaller,
  input: BootstrapAdminInput,
): Promise<BootstrapAdminResult> {
  const { deps } = ctx;
  const min = deps.config.auth.passwordMinLength;
  const problem = passwordProblem(input.password, input.email, min);
  if (problem) throw new AppError(problem, { message: passwordProblemMessage(problem, min) });
  // Hash before the transaction: argon2 must not hold a database connection.
  const hash = await deps.passwords.hash(input.password);
  const result = await deps.db.transaction().execute(async (trx) => {
    if (!(await consumeBootstrapToken(trx, sha256(input.token))) || (await adminExists(trx)))
      throw new AppError('BOOTSTRAP_TOKEN_INVALID', { message: REFUSED });
    const existing = await findUserByEmail(trx, input.email);
    if (!existing) {
      const created = await insertUser(trx, {
        email: input.email,
        name: null,
        passwordHash: hash,
        role: 'admin',
      });
      if (!created) throw new AppError('CONFLICT');
      await markEmailVerified(trx, created.id);
      // Before this act there is no principal: the new administrator is the actor.
      await ctx.audit.record(trx, 'admin.bootstrap', {
        actor: { type: 'user', id: created.id },
        target: { type: 'user', id: created.id },
        details: { promoted: false },
      });
      return { userId: created.id, promoted: false, keyIds: [] as string[] };
    }
    await updatePasswordHash(trx, existing.id, hash);
    const mfaRemoved = await wipeMfaEnrolledUnverified(trx, existing.id);
    await markEmailVerified(trx, existing.id);
    await setRole(trx, existing.id, 'admin');
    const keyIds = await revokeAllUserKeys(trx, existing.id);
    const sessions = await deleteUserSessions(trx, existing.id);
    await ctx.audit.record(trx, 'admin.bootstrap', {
      actor: { type: 'user', id: existing.id },
      target: { type: 'user', id: existing.id },
      details: {
        promoted: true,
        from: existing.role,
        apiKeysRevoked: keyIds.length,
        sessionsRevoked: sessions.length,
        mfaRemoved,
      },
    });
    return { userId: existing.id, promoted: true, keyIds };
  });
  // Committed: cached sessions and the keys' live JWTs stop on every instance.
  if (result.promoted) {
    await deps.sessions.forgetUser(result.userId);
    await deps.tokenRevocations?.keysRevoked(result.keyIds);
  }
  const user = await findUserById(deps.db, result.userId);
  if (!user) throw new AppError('INTERNAL');
  return { user: publicUserFromRow(user), promoted: result.promoted };
}
