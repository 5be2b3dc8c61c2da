import type { Ok, ReauthenticateInput } from '@gatehouse/shared';
import { loginBudget } from '../auth/login-budget';
import { findUserById } from '../auth/user-queries';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { checkSecondFactor } from './check-second-factor';
import { checkPasskeyFactor } from './check-passkey-factor';

/**
 * Step-up: the session proves the password or a second factor (a TOTP code, or a
 * passkey's assertion to `account.passkeys.reauthenticationOptions`) again, which
 * opens `stepUp` procedures for STEP_UP_WINDOW_MINUTES; a second factor raises the
 * session to level `mfa`. Failures spend the
 * sign-in budget (per account across addresses, or the trusted device's own).
 */
export async function reauthenticate(
  ctx: Context & { principal: Principal },
  input: ReauthenticateInput,
): Promise<Ok> {
  const { deps, principal } = ctx;
  if (!principal.sessionId)
    throw new AppError('SESSION_REQUIRED', {
      message: 'Only a signed-in session can re-authenticate',
    });
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const budget = loginBudget(ctx, user.email);
  const blockedMs = await budget.blockedMs();
  if (blockedMs > 0)
    throw new AppError('TOO_MANY_ATTEMPTS', {
      message: 'Too many failed attempts; try again later',
      retryAfterSeconds: Math.ceil(blockedMs / 1000),
    });

  const method = 'password' in input ? 'password' : 'passkey' in input ? 'passkey' : 'totp';
  const ok =
    'password' in input
      ? await deps.passwords.verify(user.password_hash, input.password, {
          lane: budget.trusted ? 'reserved' : 'shared',
        })
      : 'passkey' in input
        ? await checkPasskeyFactor(ctx, user.id, input.passkey, { session: principal.sessionId })
        : await checkSecondFactor(ctx, user.id, { code: input.code });
  await ctx.audit.record(deps.db, 'auth.reauthenticate', {
    target: { type: 'session', id: principal.sessionId },
    outcome: ok ? 'success' : 'failure',
    details: { method },
  });
  if (!ok) {
    await budget.fail();
    throw new AppError(method === 'totp' ? 'MFA_INVALID_CODE' : 'INVALID_CREDENTIALS');
  }
  await deps.sessions.markReauthenticated(
    principal.sessionId,
    'password' in input ? undefined : 'mfa',
  );
  return { ok: true };
}
