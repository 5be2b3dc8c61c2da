import { z } from 'zod';
import { IsoDate } from './common';
import { newPasswordSchema, passwordContainsEmailName, PresentedPassword } from './password';
import { SessionInfo } from './sessions';

/** An email address: trimmed, lower-cased, at most 254 characters. */
export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** A single-use token from a mail link (256 bits, base64url). */
export const OneTimeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Sign-up input; `minLength` follows the server's PASSWORD_MIN_LENGTH. */
export function signUpInputSchema(
  minLength?: number,
): z.ZodObject<
  { email: typeof Email; password: z.ZodString; name: z.ZodOptional<z.ZodString> },
  z.core.$strict
> {
  return z
    .strictObject({
      email: Email,
      password: newPasswordSchema(minLength),
      name: z.string().trim().min(1).max(100).optional(),
    })
    .superRefine((v, ctx) => {
      if (passwordContainsEmailName(v.password, v.email)) {
        ctx.addIssue({
          code: 'custom',
          path: ['password'],
          message: 'Do not use your email name in the password',
          params: { reason: 'PASSWORD_CONTAINS_EMAIL' },
        });
      }
    });
}
export const SignUpInput = signUpInputSchema();
export type SignUpInput = z.infer<typeof SignUpInput>;

/** The same answer whether or not the email already had an account. */
export const Accepted = z.strictObject({ accepted: z.literal(true) });
export type Accepted = z.infer<typeof Accepted>;

export const SignInInput = z.strictObject({ email: Email, password: PresentedPassword });
export type SignInInput = z.infer<typeof SignInInput>;

export const PublicUser = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['user', 'admin']),
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
  createdAt: IsoDate,
});
export type PublicUser = z.infer<typeof PublicUser>;

/** Signed in, or (MFA enabled) a short-lived challenge for `auth.verifyMfa`. */
export const SignInResult = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('signed_in'), user: PublicUser, session: SessionInfo }),
  z.strictObject({ status: z.literal('mfa_required'), challenge: z.string(), expiresAt: IsoDate }),
]);
export type SignInResult = z.infer<typeof SignInResult>;

export const SignedIn = z.strictObject({
  status: z.literal('signed_in'),
  user: PublicUser,
  session: SessionInfo,
});
export type SignedIn = z.infer<typeof SignedIn>;

export const Me = z.strictObject({ user: PublicUser, session: SessionInfo.nullable() });
export type Me = z.infer<typeof Me>;

export function changePasswordInputSchema(
  minLength?: number,
): z.ZodObject<
  { currentPassword: typeof PresentedPassword; newPassword: z.ZodString },
  z.core.$strict
> {
  return z.strictObject({
    currentPassword: PresentedPassword,
    newPassword: newPasswordSchema(minLength),
  });
}
export const ChangePasswordInput = changePasswordInputSchema();
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const RequestPasswordResetInput = z.strictObject({ email: Email });

export function resetPasswordInputSchema(
  minLength?: number,
): z.ZodObject<{ token: typeof OneTimeToken; newPassword: z.ZodString }, z.core.$strict> {
  return z.strictObject({ token: OneTimeToken, newPassword: newPasswordSchema(minLength) });
}
export const ResetPasswordInput = resetPasswordInputSchema();
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>;

export const VerifyEmailInput = z.strictObject({ token: OneTimeToken });

/**
 * The first administrator, through the one-time link the server logs on an
 * empty database; `minLength` follows the server's PASSWORD_MIN_LENGTH.
 */
export function bootstrapAdminInputSchema(
  minLength?: number,
): z.ZodObject<
  { token: typeof OneTimeToken; email: typeof Email; password: z.ZodString },
  z.core.$strict
> {
  return z.strictObject({
    token: OneTimeToken,
    email: Email,
    password: newPasswordSchema(minLength),
  });
}
export const BootstrapAdminInput = bootstrapAdminInputSchema();
export type BootstrapAdminInput = z.infer<typeof BootstrapAdminInput>;

/**
 * `promoted`: the email had an account already, which is now the administrator
 * (recovered: new password, signed out).
 */
export const BootstrapAdminResult = z.strictObject({ user: PublicUser, promoted: z.boolean() });
export type BootstrapAdminResult = z.infer<typeof BootstrapAdminResult>;
