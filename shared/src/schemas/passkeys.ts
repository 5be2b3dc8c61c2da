import { z } from 'zod';
import { IsoDate } from './common';

/** Base64url without padding, as WebAuthn's JSON encodings use it. */
const b64url = (max: number): z.ZodString =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

const Transport = z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
const Attachment = z.enum(['platform', 'cross-platform']);
const Extensions = z.record(z.string(), z.unknown());

const CredentialDescriptor = z.strictObject({
  id: z.string(),
  type: z.string(),
  transports: z.array(z.string()).optional(),
});

/**
 * What `navigator.credentials.create()` needs (PublicKeyCredentialCreationOptionsJSON): pass it
 * to `startRegistration({ optionsJSON })` of `@simplewebauthn/browser`. The challenge is
 * single-use, bound to this session, and lives 5 minutes.
 */
export const PasskeyRegistrationOptions = z.strictObject({
  challenge: z.string(),
  rp: z.strictObject({ name: z.string(), id: z.string().optional() }),
  user: z.strictObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.strictObject({ alg: z.number(), type: z.literal('public-key') })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(CredentialDescriptor).optional(),
  authenticatorSelection: z
    .strictObject({
      authenticatorAttachment: Attachment.optional(),
      requireResidentKey: z.boolean().optional(),
      residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
      userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
    })
    .optional(),
  hints: z.array(z.string()).optional(),
  attestation: z.string().optional(),
  extensions: z.strictObject({ credProps: z.boolean().optional() }).optional(),
});
export type PasskeyRegistrationOptions = z.infer<typeof PasskeyRegistrationOptions>;

/**
 * What `navigator.credentials.get()` needs (PublicKeyCredentialRequestOptionsJSON): pass it to
 * `startAuthentication({ optionsJSON })`. Single-use, 5 minutes.
 */
export const PasskeyAuthenticationOptions = z.strictObject({
  challenge: z.string(),
  rpId: z.string().optional(),
  allowCredentials: z.array(CredentialDescriptor).optional(),
  timeout: z.number().optional(),
  userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
  hints: z.array(z.string()).optional(),
  extensions: z.strictObject({ credProps: z.boolean().optional() }).optional(),
});
export type PasskeyAuthenticationOptions = z.infer<typeof PasskeyAuthenticationOptions>;

/** What `startRegistration()` returns (RegistrationResponseJSON), sent back as is. */
export const PasskeyAttestation = z.strictObject({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.strictObject({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(16_384),
    authenticatorData: b64url(8192).optional(),
    transports: z.array(Transport).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4096).optional(),
  }),
  authenticatorAttachment: Attachment.optional(),
  clientExtensionResults: Extensions,
});
export type PasskeyAttestation = z.infer<typeof PasskeyAttestation>;

/** What `startAuthentication()` returns (AuthenticationResponseJSON), sent back as is. */
export const PasskeyAssertion = z.strictObject({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.strictObject({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(128).optional(),
  }),
  authenticatorAttachment: Attachment.optional(),
  clientExtensionResults: Extensions,
});
export type PasskeyAssertion = z.infer<typeof PasskeyAssertion>;

const PasskeyName = z.string().trim().min(1).max(64);

/** `account.passkeys.register`: the authenticator's answer, and a name for the settings page. */
export const RegisterPasskeyInput = z.strictObject({
  response: PasskeyAttestation,
  name: PasskeyName.optional(),
});
export type RegisterPasskeyInput = z.infer<typeof RegisterPasskeyInput>;

export const PasskeyRef = z.strictObject({ id: z.uuid() });
export type PasskeyRef = z.infer<typeof PasskeyRef>;

export const RenamePasskeyInput = z.strictObject({ id: z.uuid(), name: PasskeyName });
export type RenamePasskeyInput = z.infer<typeof RenamePasskeyInput>;

/** A passkey as the settings page shows it (never its public key). */
export const PasskeyInfo = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  /** `multiDevice`: synced between devices (a password manager, iCloud Keychain). */
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdAt: IsoDate,
  lastUsedAt: IsoDate.nullable(),
});
export type PasskeyInfo = z.infer<typeof PasskeyInfo>;

export const PasskeyList = z.strictObject({ passkeys: z.array(PasskeyInfo) });
export type PasskeyList = z.infer<typeof PasskeyList>;

/**
 * `auth.passkey.options`: without input, a usernameless sign-in's challenge (any passkey of
 * this site); with the `mfaChallenge` a first factor returned, a challenge for that account's
 * passkeys as its second factor (then `auth.verifyMfa` with `passkey`).
 */
export const PasskeyOptionsInput = z
  .strictObject({ mfaChallenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/) })
  .optional();
export type PasskeyOptionsInput = z.infer<typeof PasskeyOptionsInput>;

/** `auth.passkey.signIn`. */
export const PasskeySignInInput = z.strictObject({ response: PasskeyAssertion });
export type PasskeySignInInput = z.infer<typeof PasskeySignInInput>;
