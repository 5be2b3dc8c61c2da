import type { OrgRole } from '@gatehouse/shared';
import type { MailMessage } from '../mail/mail-message';

/** The invitation an invitee receives: who invited them, to what, and the link with the token. */
export function invitationMail(invite: {
  readonly to: string;
  readonly orgName: string;
  readonly inviterEmail: string;
  readonly role: OrgRole;
  readonly acceptUrl: string;
}): MailMessage {
  return {
    to: invite.to,
    subject: `You are invited to ${invite.orgName} on Gatehouse`,
    text:
      `${invite.inviterEmail} invited you to join "${invite.orgName}" as ${invite.role}. ` +
      `Accept within 7 days:\n\n${invite.acceptUrl}\n\n` +
      'Sign in (or sign up) with this email address first.',
  };
}
