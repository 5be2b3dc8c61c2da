import { z } from 'zod';
import { PasskeyAssertion } from './passkeys';

/** A 6-digit TOTP code. */
export const TotpCode = z.string().regex(/^[0-9]{6}$/);

/** A recovery code as shown to the user: `xxxxx-xxxxx-xxxxx` (base32, 75 bits). */
export const RecoveryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z2-7]{5}-[a-z2-7]{5}-[a-z2-7]{5}$/);

export const TotpSetup = z.strictObject({
  /** For QR codes: `otpauth://totp/...`. */
  uri: z.string().startsWith('otpauth://totp/'),
  /** The same secret, base32, for manual entry. Shown only now. */
  secret: z.string().regex(/^[A-Z2-7]+$/),
});
export type TotpSetup = z.infer<typeof TotpSetup>;

export const ConfirmTotpInput = z.strictObject({ code: TotpCode });

export const RecoveryCodes = z.strictObject({ recoveryCodes: z.array(z.string()).length(10) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

export const MfaChallenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const VerifyMfaInput = z.union([
  z.strictObject({ challenge: MfaChallenge, code: TotpCode }),
  z.strictObject({ challenge: MfaChallenge, recoveryCode: RecoveryCode }),
  /** A passkey's assertion to `auth.passkey.options({ mfaChallenge })`'s challenge. */
  z.strictObject({ challenge: MfaChallenge, passkey: PasskeyAssertion }),
]);
export type VerifyMfaInput = z.infer<typeof VerifyMfaInput>;

export const ReauthenticateInput = z.union([
  z.strictObject({ password: z.string().min(1).max(1024) }),
  z.strictObject({ code: TotpCode }),
  /** A passkey's assertion to `account.passkeys.reauthenticationOptions`' challenge. */
  z.strictObject({ passkey: PasskeyAssertion }),
]);
export type ReauthenticateInput = z.infer<typeof ReauthenticateInput>;
