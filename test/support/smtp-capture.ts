import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { EFFECT_WAIT_MS } from './deadlines';

export interface SmtpCapture {
  /** `SMTP_URL` for a spawned server. */
  readonly url: string;
  /** Every message received so far: its envelope recipients and raw source. */
  readonly received: readonly { readonly to: readonly string[]; readonly raw: string }[];
  /** The token of the newest link mailed to `to` (`?token=…`), waiting for it. */
  tokenFor(to: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * A loopback SMTP listener that keeps what it receives: how a test reads the
 * verification link a spawned server process mails (its mail cannot be
 * captured in this process).
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const received: { to: string[]; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async tokenFor(to, timeoutMs = EFFECT_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = received.filter((r) => r.to.includes(to)).at(-1);
        // Quoted-printable: soft line breaks and "=3D" for "=".
        const token =
          message &&
          /[?&]token=([A-Za-z0-9_-]{43})/.exec(
            message.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
          )?.[1];
        if (token) return token;
        if (Date.now() > deadline) throw new Error(`no mail with a token to ${to}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
