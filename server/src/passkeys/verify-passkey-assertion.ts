import type { PasskeyAssertion } from '@gatehouse/shared';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { Context } from '../pipeline/context';
import { challengeOf, consumePasskeyChallenge, type ChallengeBinding } from './passkey-challenge';
import { findPasskeyByCredentialId, recordPasskeyUse, type PasskeyRow } from './passkey-queries';

/** Why an assertion was refused (audit `details.cause`); the caller answers one reason. */
export type AssertionRefusal =
  | 'unknown_credential'
  | 'other_account'
  | 'user_handle_mismatch'
  | 'signature_or_client_data'
  | 'counter_not_increased'
  | 'backup_eligibility_changed';

export type AssertionResult =
  | { readonly ok: true; readonly passkey: PasskeyRow }
  | { readonly ok: false; readonly why: AssertionRefusal; readonly passkey?: PasskeyRow };

/**
 * Verifies a passkey's assertion (sign-in, second factor, step-up). The challenge it answers
 * is used up first and must be bound to `expected` (session, browser, MFA challenge); then the
 * stored credential the response names, its account (`expected.userId`, and the user handle),
 * the origin (WEBAUTHN_ORIGINS), the RP ID hash, user presence and verification, and the
 * signature. Only then is the signature counter compared: a counter that does not increase,
 * when either side is non-zero, means a cloned authenticator (the library's own check runs
 * before the signature is verified, so it is given 0 and ours runs after). The backup
 * eligibility is fixed for a credential's life; the backup state is stored.
 */
export async function verifyPasskeyAssertion(
  ctx: Pick<Context, 'deps'>,
  response: PasskeyAssertion,
  expected: { readonly userId: string | null; readonly binding: ChallengeBinding },
): Promise<AssertionResult> {
  const { deps } = ctx;
  const challenge = challengeOf(response.response.clientDataJSON);
  await consumePasskeyChallenge(deps.db, 'passkey_authentication', challenge, expected);
  const passkey = await findPasskeyByCredentialId(deps.db, response.id);
  if (!passkey) return { ok: false, why: 'unknown_credential' };
  if (expected.userId !== null && passkey.user_id !== expected.userId)
    return { ok: false, why: 'other_account' };
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== Buffer.from(passkey.user_id, 'utf8').toString('base64url'))
    return { ok: false, why: 'user_handle_mismatch', passkey };
  const { rpId, origins } = deps.config.webauthn;
  const stored = Number(passkey.counter);
  let info: { newCounter: number; credentialDeviceType: string; credentialBackedUp: boolean };
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...origins],
      expectedRPID: rpId,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: 0,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
    if (!verified.verified) return { ok: false, why: 'signature_or_client_data', passkey };
    info = verified.authenticationInfo;
  } catch {
    return { ok: false, why: 'signature_or_client_data', passkey };
  }
  if ((info.newCounter > 0 || stored > 0) && info.newCounter <= stored)
    return { ok: false, why: 'counter_not_increased', passkey };
  if (info.credentialDeviceType !== passkey.device_type)
    return { ok: false, why: 'backup_eligibility_changed', passkey };
  const recorded = await recordPasskeyUse(deps.db, passkey.id, {
    counter: info.newCounter,
    backedUp: info.credentialBackedUp,
  });
  // Another request recorded this counter value (or a higher one) since it was read.
  if (!recorded) return { ok: false, why: 'counter_not_increased', passkey };
  return { ok: true, passkey };
}
