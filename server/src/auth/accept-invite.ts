import type { AcceptInviteInput, Ok } from '@gatehouse/shared';
import { hasUsablePassword } from '../admin/no-password-hash';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { consumeOneTimeToken, peekOneTimeToken, voidUserTokens } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { passwordRefusal } from './password-problem-message';
import { findUserById, markEmailVerified, updatePasswordHash } from './user-queries';

const INVALID = 'This invitation link is invalid or was used already; ask for a new one';
const EXPIRED = 'This invitation link has expired; ask for a new one';

function refused(reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED'): AppError {
  return new AppError(reason, { message: reason === 'TOKEN_EXPIRED' ? EXPIRED : INVALID });
}

/**
 * The invited owner of an account an administrator created sets its first
 * password from the mailed link. The token and the password policy are
 * checked before argon2 runs (a forged token costs one indexed read, not a
 * hash); then, in the transaction that consumes the token (one winner under
 * concurrent use), the hash is set, the email marked verified (the link came
 * through the mailbox) and `auth.accept_invite` recorded with the owner as
 * actor. A used link, or one for an account that has a password already,
 * answers TOKEN_INVALID.
 */
export async function acceptInvite(ctx: Context, input: AcceptInviteInput): Promise<Ok> {
  const { deps } = ctx;
  const min = deps.config.auth.passwordMinLength;
  const live = await peekOneTimeToken(deps.db, 'account_invite', input.token);
  if (!live.ok || live.userId === null) throw refused(live.ok ? 'TOKEN_INVALID' : live.reason);
  const invited = await findUserById(deps.db, live.userId);
  if (!invited || hasUsablePassword(invited.password_hash)) throw refused('TOKEN_INVALID');
  const early = passwordProblem(input.password, invited.email, min);
  if (early) throw passwordRefusal(early, min, 'password');
  // Hash before the transaction: argon2 must not hold a database connection.
  const hash = await deps.passwords.hash(input.password);
  const userId = await deps.db.transaction().execute(async (trx) => {
    const consumed = await consumeOneTimeToken(trx, 'account_invite', input.token);
    if (!consumed.ok || consumed.userId === null)
      throw refused(consumed.ok ? 'TOKEN_INVALID' : consumed.reason);
    const user = await findUserById(trx, consumed.userId);
    if (!user || hasUsablePassword(user.password_hash)) throw refused('TOKEN_INVALID');
    const problem = passwordProblem(input.password, user.email, min);
    if (problem) throw passwordRefusal(problem, min, 'password');
    await updatePasswordHash(trx, user.id, hash);
    await voidUserTokens(trx, user.id, 'account_invite');
    await markEmailVerified(trx, user.id);
    // The mailed token proves the owner, who is not signed in: the owner is the actor.
    const owner = { type: 'user', id: user.id } as const;
    await ctx.audit.record(trx, 'auth.accept_invite', { actor: owner, target: owner });
    return user.id;
  });
  // Cached copies carry the verified flag: dropped on every instance.
  await deps.sessions.forgetUser(userId);
  return { ok: true };
}
