import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { MailMessage } from './mail-message';

/** Delivers one message or throws. */
export interface MailTransport {
  readonly kind: 'log' | 'smtp';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Development and test: the mail is logged (subject and recipient, never the body, which may hold a live token). */
export function createLogTransport(log: Logger, onSend?: (message: MailMessage) => void): MailTransport {
  return {
    kind: 'log',
    send: async (message) => {
      log.info({ mailTo: message.to, subject: message.subject }, 'mail (log transport)');
      onSend?.(message);
    },
    close: () => undefined,
  };
}

/** SMTP through nodemailer, configured by `SMTP_URL`. */
export function createSmtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    send: async (message) => {
      await transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transporter.close(),
  };
}
