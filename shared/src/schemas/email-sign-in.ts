import { z } from 'zod';
import { Email, OneTimeToken, SignInResult } from './auth';

/** `auth.email.request`: a one-time link and code to this address, if it has an account. */
export const RequestEmailSignInInput = z.strictObject({ email: Email });
export type RequestEmailSignInInput = z.infer<typeof RequestEmailSignInInput>;

/**
 * `auth.email.signInWithLink`. Opened in another browser than the one that asked, the link
 * answers `confirmation_required` (naming the account) and signs in only with `confirm: true`.
 */
export const EmailLinkSignInInput = z.strictObject({
  token: OneTimeToken,
  confirm: z.boolean().optional(),
});
export type EmailLinkSignInInput = z.infer<typeof EmailLinkSignInInput>;

/** `auth.email.signInWithCode`: the code from the mail, in the browser that asked for it. */
export const EmailCodeSignInInput = z.strictObject({
  email: Email,
  code: z.string().regex(/^\d{8}$/, 'The code has 8 digits'),
});
export type EmailCodeSignInInput = z.infer<typeof EmailCodeSignInInput>;

export const EmailLinkSignInResult = z.union([
  SignInResult,
  z.strictObject({ status: z.literal('confirmation_required'), email: z.string() }),
]);
export type EmailLinkSignInResult = z.infer<typeof EmailLinkSignInResult>;
