import type { MailMessage } from '../mail/mail-message';

/** How long an invitation link works (the mail says so). */
export const INVITE_TTL_MS = 7 * 86_400_000;

/**
 * Mail texts for acts of an administrator on someone's account. Links point at
 * the frontend, which posts the token back (`auth.acceptInvite`).
 */
export const adminMails = {
  /** An account was created for the recipient; they choose their own password. */
  invitation(to: string, baseUrl: string, token: string): MailMessage {
    return {
      to,
      subject: 'Your Gatehouse account is ready',
      text:
        'An administrator created a Gatehouse account for this address. Choose your password ' +
        'by opening this link within 7 days:\n\n' +
        `${baseUrl}/accept-invite?token=${token}\n\n` +
        'The link works once. Nobody else knows or has set a password for you. ' +
        'If you did not expect this, ignore this message.',
    };
  },
};
