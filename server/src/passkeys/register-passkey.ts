import type { PasskeyInfo, RegisterPasskeyInput } from '@gatehouse/shared';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { securityNoticeMails } from '../account/security-notice-mails';
import { isUniqueViolation } from '../account/is-unique-violation';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import { challengeOf, consumePasskeyChallenge } from './passkey-challenge';
import { requireVerifiedEmail, sessionOf, type PasskeyCaller } from './passkey-caller';
import { insertPasskey, listPasskeys, syncMfaEnabled } from './passkey-queries';
import { SUPPORTED_ALGORITHMS } from './supported-algorithms';
import { toPasskeyInfo } from './to-passkey-info';

const REFUSED = (cause?: unknown): AppError =>
  new AppError('INVALID_CREDENTIALS', {
    message: 'The passkey could not be verified; try again',
    cause,
  });

/**
 * Stores a new passkey (`account.passkeys.register`, step-up) from the authenticator's answer
 * to this session's registration challenge, which it uses up first: the origin must be one
 * of WEBAUTHN_ORIGINS, the RP ID hash WEBAUTHN_RP_ID's, the user verified. Audited, and
 * the owner is mailed, in the same transaction. A passkey is a second factor: the account
 * has MFA on from now (`mfa_enabled_at`), so a password (or mailed link, or provider) sign-in
 * then asks for it (or TOTP) at `auth.verifyMfa`.
 */
export async function registerPasskey(
  ctx: PasskeyCaller,
  input: RegisterPasskeyInput,
): Promise<PasskeyInfo> {
  const { deps, principal } = ctx;
  const sessionId = sessionOf(ctx);
  requireVerifiedEmail(ctx);
  const challenge = challengeOf(input.response.response.clientDataJSON);
  await consumePasskeyChallenge(deps.db, 'passkey_registration', challenge, {
    userId: principal.userId,
    binding: { use: 'register', session: sessionId },
  });
  const { rpId, origins } = deps.config.webauthn;
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: [...origins],
      expectedRPID: rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
    });
  } catch (err) {
    throw REFUSED(err);
  }
  if (!verified.verified || !verified.registrationInfo) throw REFUSED();
  const info = verified.registrationInfo;
  const row = await deps.db
    .transaction()
    .execute(async (trx) => {
      const count = (await listPasskeys(trx, principal.userId)).length;
      const created = await insertPasskey(trx, {
        userId: principal.userId,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: input.response.response.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name: input.name ?? `Passkey ${count + 1}`,
      });
      await syncMfaEnabled(trx, principal.userId);
      await ctx.audit.record(trx, 'passkey.register', {
        target: { type: 'passkey', id: created.id },
        details: { deviceType: created.device_type, backedUp: created.backed_up },
      });
      await enqueueMail(
        trx,
        deps,
        'passkey_created',
        securityNoticeMails.newPasskey(principal.email, { name: created.name }),
      );
      return created;
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err))
        throw new AppError('CONFLICT', { message: 'This passkey is already registered' });
      throw err;
    });
  deps.outbox.kick();
  // Cached sessions hold the account's MFA state. This session stays at its level: adding a
  // factor proves the new authenticator, not the account (a step-up by passkey raises it).
  await deps.sessions.forgetUser(principal.userId);
  return toPasskeyInfo(row);
}
