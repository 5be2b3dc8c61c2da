import type { MailMessage } from '../mail/mail-message';

export function emailSignInMail(
  to: string,
  link: string,
  code: string,
  minutes: number,
): MailMessage {
  return {
    to,
    subject: 'Your sign-in link',
    text:
      `Sign in to Gatehouse by opening this link within ${minutes} minutes:\n\n${link}\n\n` +
      `Or enter this code in the browser where you asked for it: ${code}\n\n` +
      'The link and the code work once. If you did not ask to sign in, ignore this message: ' +
      'nobody can use them without this mail.',
  };
}
