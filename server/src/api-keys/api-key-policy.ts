import type { Permission } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { ORG_KEY_SCOPES } from './org-key-scopes';

const DAY = 86_400_000;

/** Recorded on the key: an org requiring two-factor takes only keys minted in an MFA session. */
export function passedMfa(principal: Principal): boolean {
  return principal.kind === 'session' && principal.authLevel === 'mfa';
}

/**
 * The scopes a new key may ask for: only ones the caller holds
 * (SCOPE_EXCEEDS_GRANT), and for a key bound to an org only org scopes
 * (VALIDATION_FAILED). Checked before any write; the grant is checked
 * again inside the minting transaction (assert-within-caller-grant.ts).
 */
export function assertRequestableScopes(
  principal: Principal,
  scopes: readonly Permission[],
  orgId: string | undefined,
): void {
  const beyond = scopes.filter((s) => !principal.permissions.has(s));
  if (beyond.length > 0)
    throw new AppError('SCOPE_EXCEEDS_GRANT', { message: `You do not hold: ${beyond.join(', ')}` });
  if (orgId === undefined) return;
  const global = scopes.filter((s) => !ORG_KEY_SCOPES.has(s)).join(', ');
  if (global !== '')
    throw new AppError('VALIDATION_FAILED', {
      message: `A key bound to an organization acts only there; it cannot hold: ${global}`,
    });
}

/** A key expires in the future and at most `maxDays` ahead (VALIDATION_FAILED otherwise). */
export function assertExpiryAllowed(expiresAt: Date, maxDays: number, nowMs: number): void {
  if (expiresAt.getTime() > nowMs && expiresAt.getTime() <= nowMs + maxDays * DAY) return;
  throw new AppError('VALIDATION_FAILED', {
    message: `expiresAt must be in the future and at most ${maxDays} days ahead`,
  });
}
