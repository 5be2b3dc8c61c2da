import { z } from 'zod';

export const PASSWORD_MIN_LENGTH_DEFAULT = 15;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * A new password, after NIST SP 800-63B-4: long enough, not absurdly long, no
 * composition rules. The server adds the common-password check and its own
 * configured minimum; the client uses this for form validation.
 */
export function newPasswordSchema(minLength: number = PASSWORD_MIN_LENGTH_DEFAULT): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    // Count code points, not UTF-16 units: an emoji is one character to the user.
    const length = [...value].length;
    if (length < minLength) {
      ctx.addIssue({
        code: 'custom',
        message: `Use at least ${minLength} characters`,
        params: { reason: 'PASSWORD_TOO_SHORT' },
      });
    } else if (length > PASSWORD_MAX_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: `Use at most ${PASSWORD_MAX_LENGTH} characters`,
        params: { reason: 'PASSWORD_TOO_LONG' },
      });
    }
  });
}

/** A password being checked (sign-in, current password): only bounded in size. */
export const PresentedPassword = z.string().min(1).max(1024);

/** Whether the password contains the local part of the email (case-insensitive, 3+ characters). */
export function passwordContainsEmailName(password: string, email: string): boolean {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  return local.length >= 3 && password.toLowerCase().includes(local);
}
