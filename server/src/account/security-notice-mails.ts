import type { MailMessage } from '../mail/mail-message';

const IF_NOT_YOU =
  'If this was not you, reset your password now (a reset also signs out every session and ' +
  'revokes every API key).';

/**
 * Notices of security-relevant changes, mailed to the account's address in the transaction
 * of the change (password changes have their own, listing the keys still active: auth-mails).
 */
export const securityNoticeMails = {
  mfaEnabled(to: string): MailMessage {
    return {
      to,
      subject: 'Two-factor authentication was turned on',
      text: `Two-factor authentication is now on for your Gatehouse account. ${IF_NOT_YOU}`,
    };
  },
  mfaDisabled(to: string): MailMessage {
    return {
      to,
      subject: 'Two-factor authentication was turned off',
      text:
        'The authenticator app (TOTP) was turned off for your Gatehouse account; unless a ' +
        `passkey remains, signing in now takes only the first step. ${IF_NOT_YOU}`,
    };
  },
  apiKeyCreated(to: string, key: { id: string; name: string; expiresAt: string }): MailMessage {
    return {
      to,
      subject: 'A new API key was created',
      text:
        `A new API key "${key.name}" (${key.id}) was created for your Gatehouse account; it ` +
        `expires ${key.expiresAt.slice(0, 10)}. If this was not you, revoke it and ` +
        'reset your password.',
    };
  },
  newPasskey(to: string, passkey: { name: string }): MailMessage {
    return {
      to,
      subject: 'A new passkey was added',
      text:
        `A new passkey "${passkey.name}" was added to your Gatehouse account: it signs in ` +
        'without a password. If this was not you, delete it in your security settings and ' +
        'reset your password.',
    };
  },
  newDeviceSignIn(
    to: string,
    seen: { at: Date; ip: string; userAgent: string | undefined },
  ): MailMessage {
    return {
      to,
      subject: 'New sign-in to your account',
      text:
        'Your Gatehouse account was signed in to from a browser or device that had not signed ' +
        `in before:\n\n- when: ${seen.at.toISOString()}\n- address: ${seen.ip}\n` +
        `- client: ${(seen.userAgent ?? 'unknown').slice(0, 200)}\n\n${IF_NOT_YOU}`,
    };
  },
};
