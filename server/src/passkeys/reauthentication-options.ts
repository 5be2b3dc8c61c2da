import type { PasskeyAuthenticationOptions } from '@gatehouse/shared';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { AppError } from '../pipeline/app-error';
import { mintPasskeyChallenge, PASSKEY_CHALLENGE_TTL_MS } from './passkey-challenge';
import { sessionOf, type PasskeyCaller } from './passkey-caller';
import { listPasskeys } from './passkey-queries';

/**
 * Options for a step-up by passkey (`account.passkeys.reauthenticationOptions`, then
 * `auth.reauthenticate` with `passkey`): the caller's passkeys, a challenge bound to this
 * session, once, 5 minutes.
 */
export async function reauthenticationOptions(
  ctx: PasskeyCaller,
): Promise<PasskeyAuthenticationOptions> {
  const { deps, principal } = ctx;
  const sessionId = sessionOf(ctx);
  const passkeys = await listPasskeys(deps.db, principal.userId);
  if (passkeys.length === 0)
    throw new AppError('MFA_NOT_ENABLED', { message: 'This account has no passkey' });
  const { bytes } = await mintPasskeyChallenge(
    deps.db,
    'passkey_authentication',
    principal.userId,
    {
      use: 'reauthenticate',
      session: sessionId,
    },
  );
  return generateAuthenticationOptions({
    rpID: deps.config.webauthn.rpId,
    challenge: bytes,
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    allowCredentials: passkeys.map((p) => ({
      id: p.credential_id,
      transports: p.transports as never,
    })),
    userVerification: 'required',
  });
}
