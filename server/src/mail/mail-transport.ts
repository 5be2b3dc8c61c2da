import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { MailMessage } from './mail-message';

/** Delivers one message or throws. */
export interface MailTransport {
  readonly kind: 'log' | 'smtp';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * `includeBody`: development only, so that a link mailed there (verification, reset) can be
 * followed.
 */
export interface LogTransportOptions {
  readonly includeBody?: boolean;
  readonly onSend?: (message: MailMessage) => void;
}

/**
 * No SMTP_URL: the mail is logged (recipient and subject). The body, which
 * may hold a live token, is logged only when `includeBody` is set, which
 * create-app does in development and never in test or production.
 */
export function createLogTransport(log: Logger, options: LogTransportOptions = {}): MailTransport {
  const { includeBody = false, onSend } = options;
  return {
    kind: 'log',
    send: async (message) => {
      if (includeBody) {
        log.info(
          { mailTo: message.to, subject: message.subject, text: message.text },
          'mail (log transport; the body is logged only in development without SMTP_URL)',
        );
      } else {
        log.info({ mailTo: message.to, subject: message.subject }, 'mail (log transport)');
      }
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
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
    close: () => transporter.close(),
  };
}
