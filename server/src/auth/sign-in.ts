import type { SignInInput, SignInResult } from '@gatehouse/shared';
import { hasUsablePassword } from '../admin/no-password-hash';
import { signInLockRefusal } from '../admin/sign-in-lock-refusal';
import { AppError } from '../pipeline/app-error';
import type { AuditActor } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import { startMfaChallenge } from '../mfa/mfa-challenge';
import { issueSession } from './issue-session';
import { loginBudget } from './login-budget';
import { findUserByEmail, updatePasswordHash } from './user-queries';

/**
 * Sign-in acts before there is a principal: an unproven attempt is
 * anonymous (whatever session the request carries), a proven one the user.
 */
const ANONYMOUS: AuditActor = { type: 'anonymous', id: null };

/**
 * Password sign-in. Unknown email and wrong password give the same
 * INVALID_CREDENTIALS after the same argon2id work. Failures lock sign-in
 * (TOO_MANY_ATTEMPTS, even for the right password) until the window passes:
 * per account across every address and per address (IPv6 by /64) for
 * untrusted clients, per device for a browser holding this account's device
 * cookie (see login-budget.ts), which also keeps a reserved place in the
 * password hasher during a flood. Every sign-in gets a new session;
 * with MFA enabled the answer is a challenge for `auth.verifyMfa` instead.
 */
export async function signIn(ctx: Context, input: SignInInput): Promise<SignInResult> {
  const { deps } = ctx;
  const budget = loginBudget(ctx, input.email);
  const lane = budget.trusted ? 'reserved' : 'shared';
  // A flood is refused before it costs a database read.
  deps.passwords.assertCapacity(lane);
  const blockedMs = await budget.blockedMs();
  if (blockedMs > 0) {
    ctx.audit.security('auth.locked_out', {
      retryAfterSeconds: Math.ceil(blockedMs / 1000),
      trustedDevice: budget.trusted,
    });
    await ctx.audit.record(deps.db, 'auth.sign_in', {
      actor: ANONYMOUS,
      outcome: 'denied',
      details: { reason: 'TOO_MANY_ATTEMPTS' },
    });
    throw new AppError('TOO_MANY_ATTEMPTS', {
      message: 'Too many failed sign-ins; try again later',
      retryAfterSeconds: Math.ceil(blockedMs / 1000),
    });
  }

  const user = await findUserByEmail(deps.db, input.email);
  // An invited account without a password yet costs the dummy hash's work, like an unknown email.
  const stored = user && hasUsablePassword(user.password_hash) ? user.password_hash : undefined;
  const ok = await deps.passwords.verify(stored, input.password, { lane });
  if (!user || !ok) {
    await budget.fail();
    const lockedOut = (await budget.blockedMs()) > 0;
    await ctx.audit.record(deps.db, 'auth.sign_in', {
      actor: ANONYMOUS,
      target: user ? { type: 'user', id: user.id } : undefined,
      outcome: 'failure',
      details: { reason: 'INVALID_CREDENTIALS', lockedOut },
    });
    ctx.audit.security('auth.sign_in_failed', { knownAccount: user !== undefined, lockedOut });
    throw new AppError('INVALID_CREDENTIALS', { message: 'Email or password is incorrect' });
  }
  // Only a proven password learns of a lock (never an oracle); a ban that ran out is lifted.
  const refused = user.locked_at !== null ? await signInLockRefusal(ctx, user.id) : undefined;
  if (refused) {
    await ctx.audit.record(deps.db, 'auth.sign_in', {
      actor: { type: 'user', id: user.id },
      outcome: 'denied',
      details: { reason: refused.reason },
    });
    throw refused;
  }
  if (deps.passwords.needsRehash(user.password_hash)) {
    await updatePasswordHash(deps.db, user.id, await deps.passwords.hash(input.password, { lane }));
  }
  // The failures are cleared only once sign-in is complete: a right password
  // must not reset the budget the second-factor guesses spend.
  if (user.mfa_enabled_at !== null) return startMfaChallenge(ctx, user.id);
  await budget.succeed();
  return issueSession(ctx, user, 'password');
}
