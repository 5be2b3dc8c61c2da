import type { MailMessage } from '../../server/src/mail/mail-message';
import type { MailTransport } from '../../server/src/mail/mail-transport';
import { EFFECT_WAIT_MS } from './deadlines';

export interface MailCapture extends MailTransport {
  readonly messages: MailMessage[];
  /** Waits for a message to `to` whose subject matches, and returns it. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<MailMessage>;
}

/** A mail transport that keeps what it is given, for tests to read links from. */
export function createMailCapture(): MailCapture {
  const messages: MailMessage[] = [];
  return {
    kind: 'log',
    messages,
    send: async (m) => {
      messages.push(m);
    },
    close: () => undefined,
    async waitFor(to, subject, timeoutMs = EFFECT_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.to === to && subject.test(m.subject));
        if (found) return found;
        if (Date.now() > deadline) {
          const got = messages.map((m) => `${m.to}: ${m.subject}`).join(', ');
          throw new Error(`no mail to ${to} matching ${String(subject)}; got: ${got}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** The token in a mailed link (`?token=...`). */
export function tokenFromMail(message: MailMessage): string {
  const m = /[?&]token=([A-Za-z0-9_-]{43})/.exec(message.text);
  if (!m?.[1]) throw new Error(`no token in mail: ${message.text}`);
  return m[1];
}

const byUrl = new Map<string, MailCapture>();

/**
 * The capture that sees every mail of the test server at `url` (startTestApp registers one per
 * server).
 */
export function mailCaptureOf(url: string): MailCapture | undefined {
  return byUrl.get(url);
}

export function registerMailCapture(url: string, capture: MailCapture | undefined): void {
  if (capture) byUrl.set(url, capture);
  else byUrl.delete(url);
}

/** Both transports get every message: the test's own, and the per-server capture. */
export function teeTransport(first: MailTransport, second: MailTransport): MailTransport {
  return {
    kind: first.kind,
    send: async (m) => {
      await second.send(m);
      await first.send(m);
    },
    close: () => {
      first.close();
      second.close();
    },
  };
}
