import type { SignInInput, SignInResult } from '@gatehouse/shared';
import { securityEvent } from '../observability/security-events';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { startMfaChallenge } from '../mfa/mfa-challenge';
import { issueSession } from './issue-session';
import { findUserByEmail, updatePasswordHash } from './user-queries';

/**
 * Password sign-in. Unknown email and wrong password give the same
 * INVALID_CREDENTIALS after the same argon2id work; consecutive failures per
 * account+IP and failures per IP lock sign-in (TOO_MANY_ATTEMPTS, even for the
 * right password) until the window passes. Every sign-in gets a new session;
 * with MFA enabled the answer is a challenge for `auth.verifyMfa` instead.
 */
export async function signIn(ctx: Context, input: SignInInput): Promise<SignInResult> {
  const { deps } = ctx;
  // A flood is refused before it costs a database read.
  deps.passwords.assertCapacity();
  const accountKey = `${input.email}|${ctx.ip}`;
  const blockedMs = Math.max(await deps.loginLimits.account.blockedFor(accountKey), await deps.loginLimits.ip.blockedFor(ctx.ip));
  if (blockedMs > 0) {
    securityEvent(ctx.log, { type: 'auth.locked_out', requestId: ctx.requestId, ip: ctx.ip, details: { retryAfterSeconds: Math.ceil(blockedMs / 1000) } });
    await deps.audit.append(deps.db, { action: 'auth.sign_in', actor: { type: 'anonymous', id: null }, outcome: 'denied', ip: ctx.ip, requestId: ctx.requestId, details: { reason: 'TOO_MANY_ATTEMPTS' } });
    throw new AppError('TOO_MANY_ATTEMPTS', { message: 'Too many failed sign-ins; try again later', retryAfterSeconds: Math.ceil(blockedMs / 1000) });
  }

  const user = await findUserByEmail(deps.db, input.email);
  const ok = await deps.passwords.verify(user?.password_hash, input.password);
  if (!user || !ok) {
    await Promise.all([deps.loginLimits.account.hit(accountKey), deps.loginLimits.ip.hit(ctx.ip)]);
    const lockedOut = (await deps.loginLimits.account.blockedFor(accountKey)) > 0 || (await deps.loginLimits.ip.blockedFor(ctx.ip)) > 0;
    await deps.audit.append(deps.db, {
      action: 'auth.sign_in',
      actor: { type: 'anonymous', id: null },
      target: user ? { type: 'user', id: user.id } : undefined,
      outcome: 'failure',
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { reason: 'INVALID_CREDENTIALS', lockedOut },
    });
    securityEvent(ctx.log, { type: 'auth.sign_in_failed', requestId: ctx.requestId, ip: ctx.ip, details: { knownAccount: user !== undefined, lockedOut } });
    throw new AppError('INVALID_CREDENTIALS', { message: 'Email or password is incorrect' });
  }
  if (user.locked_at !== null) {
    await deps.audit.append(deps.db, { action: 'auth.sign_in', actor: { type: 'user', id: user.id }, outcome: 'denied', ip: ctx.ip, requestId: ctx.requestId, details: { reason: 'ACCOUNT_LOCKED' } });
    throw new AppError('ACCOUNT_LOCKED', { message: 'This account is locked' });
  }
  await deps.loginLimits.account.reset(accountKey);
  if (deps.passwords.needsRehash(user.password_hash)) {
    await updatePasswordHash(deps.db, user.id, await deps.passwords.hash(input.password));
  }
  if (user.mfa_enabled_at !== null) return startMfaChallenge(ctx, user.id);
  return issueSession(ctx, user, 'password');
}
