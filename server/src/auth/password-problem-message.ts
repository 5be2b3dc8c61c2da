import { PASSWORD_MAX_LENGTH, type Reason } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';

/**
 * The sentence a person reads when a new password is refused, with the
 * policy's numbers: "PASSWORD_TOO_SHORT" alone does not say how long is enough.
 */
export function passwordProblemMessage(reason: Reason, minLength: number): string {
  switch (reason) {
    case 'PASSWORD_TOO_SHORT':
      return `Password too short: use at least ${minLength} characters`;
    case 'PASSWORD_TOO_LONG':
      return `Password too long: use at most ${PASSWORD_MAX_LENGTH} characters`;
    case 'PASSWORD_TOO_COMMON':
      return (
        'Password too common: it appears in lists of breached passwords; ' +
        'choose another (a few unrelated words work well)'
      );
    case 'PASSWORD_CONTAINS_EMAIL':
      return 'Password contains the email address name: choose one that does not';
    default:
      return 'Password refused by the password policy';
  }
}

/**
 * The policy's refusal of the new password in input field `field`: its sentence, and the field in
 * `issues` as a schema refusal would name it.
 */
export function passwordRefusal(reason: Reason, minLength: number, field: string): AppError {
  return new AppError(reason, {
    message: passwordProblemMessage(reason, minLength),
    issues: [{ path: field, code: 'custom', reason }],
  });
}
