import type { PasskeyAuthenticationOptions, PasskeyOptionsInput } from '@gatehouse/shared';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { sha256 } from '../crypto/random-token';
import { bindBrowser } from '../http/browser-binding';
import { peekMfaChallenge } from '../mfa/mfa-challenge';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { mintPasskeyChallenge, PASSKEY_CHALLENGE_TTL_MS } from './passkey-challenge';
import { listPasskeys } from './passkey-queries';

/**
 * Options for using a passkey before there is a session (`auth.passkey.options`), bound to
 * this browser (a `passkey` binding cookie; the token keeps only its hash), once, 5 minutes.
 * Without input: usernameless sign-in (empty allowCredentials, any passkey of this site, user
 * verification required). With the `mfaChallenge` a first factor returned: that account's
 * passkeys, as its second factor (`auth.verifyMfa` with `passkey`).
 */
export async function authenticationOptions(
  ctx: Context,
  input: PasskeyOptionsInput,
): Promise<PasskeyAuthenticationOptions> {
  const { deps } = ctx;
  let userId: string | null = null;
  let allow: { id: string; transports: string[] }[] = [];
  if (input?.mfaChallenge !== undefined) {
    const found = await peekMfaChallenge(ctx, input.mfaChallenge);
    if ('reason' in found)
      throw new AppError(found.reason, {
        message: 'The sign-in challenge is invalid or has expired; sign in again',
      });
    userId = found.userId;
    allow = (await listPasskeys(deps.db, userId)).map((p) => ({
      id: p.credential_id,
      transports: p.transports,
    }));
    if (allow.length === 0)
      throw new AppError('MFA_NOT_ENABLED', { message: 'This account has no passkey' });
  }
  const binding = bindBrowser('passkey', ctx.secure, PASSKEY_CHALLENGE_TTL_MS / 1000);
  const { bytes } = await mintPasskeyChallenge(
    deps.db,
    'passkey_authentication',
    userId,
    input?.mfaChallenge !== undefined
      ? {
          use: 'mfa',
          browser: binding.hash,
          mfa: sha256(input.mfaChallenge).toString('hex'),
        }
      : { use: 'sign_in', browser: binding.hash },
  );
  ctx.response.appendCookie(binding.cookie);
  return generateAuthenticationOptions({
    rpID: deps.config.webauthn.rpId,
    challenge: bytes,
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    allowCredentials: allow.map((a) => ({ id: a.id, transports: a.transports as never })),
    userVerification: 'required',
  });
}
