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
  /**
   * An administrator started impersonating the recipient: why, until when, and whether they may
   * change anything; how to end it.
   */
  impersonation(
    to: string,
    baseUrl: string,
    detail: { reason: string; expiresAt: Date; allowWrites: boolean },
  ): MailMessage {
    return {
      to,
      subject: 'An administrator is viewing your Gatehouse account',
      text:
        'A Gatehouse administrator started a support session as you, until ' +
        `${detail.expiresAt.toISOString()}.\n\n` +
        `Reason given: ${detail.reason}\n\n` +
        (detail.allowWrites
          ? 'They may make changes on your behalf. '
          : 'They can look, but not change anything. ') +
        'They can never change your password, email address or two-factor settings, create ' +
        'API keys or delete your account. Everything they do is recorded in your name and ' +
        'theirs.\n\n' +
        'The session appears in your session list; revoking it there ends it at once:\n\n' +
        `${baseUrl}/settings/sessions`,
    };
  },
};
