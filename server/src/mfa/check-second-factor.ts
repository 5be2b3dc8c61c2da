import type { AuditActor } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import { claimTotpStep, findTotp, useRecoveryCode } from './mfa-queries';
import { hashRecoveryCode } from './recovery-codes';
import { matchTotpStep } from './totp';
import { openTotpKey } from './totp-secret';

/**
 * Checks a TOTP code (once per time step, ±1 step of skew) or a recovery
 * code (once ever) for a user with MFA enabled. Every use and failure is
 * audited as the request's principal (a step-up session), or as `actor`
 * when there is none yet (the second step of sign-in).
 */
export async function checkSecondFactor(
  ctx: Pick<Context, 'deps' | 'audit'>,
  userId: string,
  proof: { code: string } | { recoveryCode: string },
  actor?: AuditActor,
): Promise<boolean> {
  const { deps } = ctx;
  const totp = await findTotp(deps.db, userId);
  if (!totp || totp.enabled_at === null) return false;
  let ok: boolean;
  let method: 'totp' | 'recovery_code';
  if ('code' in proof) {
    method = 'totp';
    const step = matchTotpStep(openTotpKey(deps.keyRing, userId, totp.secret), proof.code);
    ok = step !== undefined && (await claimTotpStep(deps.db, userId, step));
  } else {
    method = 'recovery_code';
    ok = await useRecoveryCode(deps.db, userId, hashRecoveryCode(proof.recoveryCode));
  }
  await ctx.audit.record(deps.db, method === 'totp' ? 'mfa.verify' : 'mfa.recovery_code_use', {
    target: { type: 'user', id: userId },
    outcome: ok ? 'success' : 'failure',
    ...(actor ? { actor } : {}),
  });
  return ok;
}
