import type { MailMessage } from '../mail/mail-message';

/** Mail texts for identity events. Links point at the frontend, which posts the token back. */
export const authMails = {
  verifyEmail(to: string, baseUrl: string, token: string): MailMessage {
    return {
      to,
      subject: 'Confirm your email address',
      text:
        'Confirm your email address for Gatehouse by opening this link within 48 hours:\n\n' +
        `${baseUrl}/verify-email?token=${token}\n\n` +
        'If you did not sign up, ignore this message.',
    };
  },
  alreadyRegistered(to: string, baseUrl: string): MailMessage {
    return {
      to,
      subject: 'Someone tried to sign up with your email',
      text:
        'Someone tried to create a Gatehouse account with this address, which already has one. ' +
        `If it was you, sign in instead, or reset your password at ${baseUrl}/reset-password.\n\n` +
        'If it was not you, you can ignore this message.',
    };
  },
  passwordReset(to: string, baseUrl: string, token: string): MailMessage {
    return {
      to,
      subject: 'Reset your password',
      text:
        'Reset your Gatehouse password by opening this link within 30 minutes:\n\n' +
        `${baseUrl}/reset-password?token=${token}\n\n` +
        'The link works once. If you did not ask for it, ignore this message.',
    };
  },
  /** Lists the API keys that still work: a password change does not stop them, a reset does. */
  passwordChanged(
    to: string,
    activeKeys: readonly { readonly id: string; readonly name: string; readonly expiresAt: Date }[],
  ): MailMessage {
    const listed = activeKeys
      .map((k) => `- ${k.name} (${k.id}), expires ${k.expiresAt.toISOString().slice(0, 10)}`)
      .join('\n');
    const keys =
      activeKeys.length === 0
        ? 'You have no active API keys.'
        : `These API keys still work (revoke any you do not recognise):\n\n${listed}`;
    return {
      to,
      subject: 'Your password was changed',
      text:
        'The password of your Gatehouse account was just changed and your other sessions were ' +
        'signed out. If this was not you, reset your password now: a reset also revokes every ' +
        `API key.\n\n${keys}`,
    };
  },
};
