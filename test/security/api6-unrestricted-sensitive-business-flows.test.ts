// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows — enumeration and mailbox
// flooding.
import { beforeAll, describe, expect, it } from 'vitest';
import { createMailCapture, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';

describe('API6 sensitive business flows', () => {
  let mail: MailCapture;
  beforeAll(async () => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({
    env: { PASSWORD_RESET_PER_EMAIL_PER_HOUR: '3' },
    mailTransport: mail,
  }));
  const post = (path: string, body: unknown) =>
    fetch(`${t.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('sign-up, sign-in and reset reveal nothing about which emails have accounts', async () => {
    await signInUser(t.url, 'api6-known@example.com');
    const pairs: [string, unknown, unknown][] = [
      [
        'auth.signUp',
        { email: 'api6-known@example.com', password: 'another long passphrase' },
        { email: 'api6-unknown@example.com', password: 'another long passphrase' },
      ],
      [
        'auth.signIn',
        { email: 'api6-known@example.com', password: 'wrong but long enough' },
        { email: 'api6-nobody@example.com', password: 'wrong but long enough' },
      ],
      [
        'auth.requestPasswordReset',
        { email: 'api6-known@example.com' },
        { email: 'api6-nobody@example.com' },
      ],
    ];
    for (const [path, known, unknown] of pairs) {
      const a = await post(path, known);
      const b = await post(path, unknown);
      expect(a.status, path).toBe(b.status);
      const strip = (s: string) => s.replace(/"requestId":"[^"]+"/, '');
      expect(strip(await a.text()), path).toBe(strip(await b.text()));
    }
  });

  it('password-reset mail to one address is capped per hour', async () => {
    await signInUser(t.url, 'api6-flood@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await post('auth.requestPasswordReset', { email: 'api6-flood@example.com' })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      mail.messages.filter((m) => m.to === 'api6-flood@example.com' && /Reset/.test(m.subject)),
    ).toHaveLength(3);
  });
});
