import type { MailMessage } from '../mail/mail-message';

/** Mail texts for self-service account changes. Links point at the frontend (PUBLIC_URL). */
export const accountMails = {
  confirmEmailChange(to: string, baseUrl: string, token: string): MailMessage {
    return {
      to,
      subject: 'Confirm your new email address',
      text:
        'Someone signed in to a Gatehouse account asked to use this address from now on. ' +
        'Confirm it by opening this link within 24 hours:\n\n' +
        `${baseUrl}/confirm-email-change?token=${token}\n\n` +
        'Until you do, nothing changes. If you did not ask for this, ignore this message.',
    };
  },
  emailChangeRequested(to: string, baseUrl: string, newEmail: string, token: string): MailMessage {
    return {
      to,
      subject: 'Your email address is being changed',
      text:
        `Someone signed in to your Gatehouse account asked to change its address to ${newEmail}. ` +
        'The change applies once the new address confirms it; sign-in by this address stops ' +
        'then.\n\nIf this was not you, open this link (it works for 7 days): it undoes the ' +
        'change, signs out every session, revokes every API key and locks the account until ' +
        `an administrator has reviewed it.\n\n${baseUrl}/revert-email-change?token=${token}`,
    };
  },
  addressInUse(to: string, baseUrl: string): MailMessage {
    return {
      to,
      subject: 'Someone tried to move an account to your address',
      text:
        'Someone signed in to a Gatehouse account asked to use this address, which already has ' +
        `an account; nothing changed. If you have forgotten your password: ${baseUrl}` +
        '/reset-password.\n\nIf this was not you, you can ignore this message.',
    };
  },
  emailChanged(to: string, newEmail: string): MailMessage {
    return {
      to,
      subject: 'Your email address was changed',
      text:
        `The address of your Gatehouse account is now ${newEmail}; this address no longer signs ` +
        'in. If this was not you, use the link in the earlier message ("Your email address is ' +
        'being changed"): it undoes the change and locks the account for review.',
    };
  },
  deletionScheduled(to: string, due: Date): MailMessage {
    return {
      to,
      subject: 'Your account will be deleted',
      text:
        'You asked to delete your Gatehouse account. Every session was signed out and every API ' +
        `key revoked. On ${due.toISOString()} its personal data will be erased; to keep the ` +
        'account, sign in before then.',
    };
  },
  deletionCancelled(to: string): MailMessage {
    return {
      to,
      subject: 'Your account will not be deleted',
      text:
        'You signed in to your Gatehouse account, which cancels the deletion you asked for. ' +
        'API keys revoked by the request stay revoked. If this was not you, change your password.',
    };
  },
  exportReady(to: string, link: string, expiresAt: Date): MailMessage {
    return {
      to,
      subject: 'Your data export is ready',
      text:
        'The export of your Gatehouse data you asked for is ready. Download it once, before ' +
        `${expiresAt.toISOString()}:\n\n${link}\n\nIf you did not ask for it, change your ` +
        'password: someone signed in as you.',
    };
  },
};
