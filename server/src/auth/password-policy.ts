import { newPasswordSchema, passwordContainsEmailName, type Reason } from '@gatehouse/shared';
import { isCommonPassword } from './common-passwords';

/**
 * Why a new password is refused, or undefined when it is acceptable: length
 * (NIST SP 800-63B-4: no composition rules), the common-password list, and
 * the email's local part.
 */
export function passwordProblem(
  password: string,
  email: string,
  minLength: number,
): Reason | undefined {
  const parsed = newPasswordSchema(minLength).safeParse(password);
  if (!parsed.success) {
    const reason = (parsed.error.issues[0] as { params?: { reason?: Reason } } | undefined)?.params
      ?.reason;
    return reason ?? 'VALIDATION_FAILED';
  }
  if (passwordContainsEmailName(password, email)) return 'PASSWORD_CONTAINS_EMAIL';
  if (isCommonPassword(password)) return 'PASSWORD_TOO_COMMON';
  return undefined;
}
