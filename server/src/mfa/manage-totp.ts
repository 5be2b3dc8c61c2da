import type { Ok, RecoveryCodes, TotpSetup } from '@gatehouse/shared';
import { securityNoticeMails } from '../account/security-notice-mails';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import {
  claimTotpStep,
  disableTotp,
  enableTotp,
  findTotp,
  replaceRecoveryCodes,
  savePendingTotp,
} from './mfa-queries';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { matchTotpStep, newTotpKey, totpKeyBase32, totpUri } from './totp';
import { openTotpKey, sealTotpKey } from './totp-secret';

type Authed = Context & { principal: Principal };

/**
 * Starts enrolment: a new secret, stored encrypted and pending until a correct code confirms it.
 */
export async function beginTotp(ctx: Authed): Promise<TotpSetup> {
  const { deps, principal } = ctx;
  const key = newTotpKey();
  if (
    !(await savePendingTotp(
      deps.db,
      principal.userId,
      sealTotpKey(deps.keyRing, principal.userId, key),
    ))
  ) {
    throw new AppError('MFA_ALREADY_ENABLED', {
      message: 'Two-factor authentication is already on; disable it first',
    });
  }
  return { uri: totpUri(principal.email, key), secret: totpKeyBase32(key) };
}

/** Enables TOTP after a correct code; returns ten recovery codes, shown only now. */
export async function confirmTotp(ctx: Authed, code: string): Promise<RecoveryCodes> {
  const { deps, principal } = ctx;
  const totp = await findTotp(deps.db, principal.userId);
  if (!totp) throw new AppError('MFA_NOT_ENABLED', { message: 'Start with mfa.totp.begin' });
  if (totp.enabled_at !== null) throw new AppError('MFA_ALREADY_ENABLED');
  const step = matchTotpStep(openTotpKey(deps.keyRing, principal.userId, totp.secret), code);
  if (step === undefined || !(await claimTotpStep(deps.db, principal.userId, step))) {
    await ctx.audit.record(deps.db, 'mfa.enable', {
      outcome: 'failure',
      details: { reason: 'MFA_INVALID_CODE' },
    });
    throw new AppError('MFA_INVALID_CODE', { message: 'The code is not valid' });
  }
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute(async (trx) => {
    await enableTotp(trx, principal.userId);
    await replaceRecoveryCodes(trx, principal.userId, codes.map(hashRecoveryCode));
    await ctx.audit.record(trx, 'mfa.enable', { target: { type: 'user', id: principal.userId } });
    await enqueueMail(trx, deps, 'mfa_changed', securityNoticeMails.mfaEnabled(principal.email));
  });
  deps.outbox.kick();
  // This session just proved the second factor.
  if (principal.sessionId) await deps.sessions.markReauthenticated(principal.sessionId, 'mfa');
  await deps.sessions.forgetUser(principal.userId);
  return { recoveryCodes: codes };
}

/** Turns TOTP off and deletes the recovery codes (step-up required). */
export async function disableMfa(ctx: Authed): Promise<Ok> {
  const { deps, principal } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    await disableTotp(trx, principal.userId);
    await ctx.audit.record(trx, 'mfa.disable', { target: { type: 'user', id: principal.userId } });
    await enqueueMail(trx, deps, 'mfa_changed', securityNoticeMails.mfaDisabled(principal.email));
  });
  deps.outbox.kick();
  await deps.sessions.forgetUser(principal.userId);
  return { ok: true };
}

/** Replaces every recovery code (step-up required). */
export async function regenerateRecoveryCodes(ctx: Authed): Promise<RecoveryCodes> {
  const { deps, principal } = ctx;
  const totp = await findTotp(deps.db, principal.userId);
  if (!totp || totp.enabled_at === null) throw new AppError('MFA_NOT_ENABLED');
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, principal.userId, codes.map(hashRecoveryCode));
    await ctx.audit.record(trx, 'mfa.recovery_codes_regenerate', {
      target: { type: 'user', id: principal.userId },
    });
  });
  return { recoveryCodes: codes };
}
