import type { PasskeyRegistrationOptions } from '@gatehouse/shared';
import { generateRegistrationOptions } from '@simplewebauthn/server';
import { findUserById } from '../auth/user-queries';
import { AppError } from '../pipeline/app-error';
import { mintPasskeyChallenge } from './passkey-challenge';
import { requireVerifiedEmail, sessionOf, type PasskeyCaller } from './passkey-caller';
import { listPasskeys } from './passkey-queries';
import { SUPPORTED_ALGORITHMS } from './supported-algorithms';

/** Passkeys one account may hold (each is a row the settings page lists). */
export const MAX_PASSKEYS = 20;

/**
 * Options for creating a passkey (`account.passkeys.registrationOptions`, step-up): a
 * discoverable credential with user verification, no attestation, none of the account's
 * passkeys again. Only with a verified address: a passkey added by whoever registered the
 * address first would outlive the owner's password reset (account pre-hijacking). The
 * challenge is bound to this session, once, 5 minutes.
 */
export async function registrationOptions(ctx: PasskeyCaller): Promise<PasskeyRegistrationOptions> {
  const { deps, principal } = ctx;
  const sessionId = sessionOf(ctx);
  requireVerifiedEmail(ctx);
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const existing = await listPasskeys(deps.db, user.id);
  if (existing.length >= MAX_PASSKEYS)
    throw new AppError('CONFLICT', {
      message: `An account holds at most ${MAX_PASSKEYS} passkeys; delete one first`,
    });
  const { bytes } = await mintPasskeyChallenge(deps.db, 'passkey_registration', user.id, {
    use: 'register',
    session: sessionId,
  });
  const { rpId, rpName } = deps.config.webauthn;
  return generateRegistrationOptions({
    rpName,
    rpID: rpId,
    userName: user.email,
    // The user handle an assertion carries back: the account id (not secret, not personal).
    userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
    userDisplayName: user.name ?? user.email,
    challenge: bytes,
    timeout: 300_000,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.credential_id,
      transports: p.transports as never,
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
  });
}
