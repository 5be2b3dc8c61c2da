// OWASP API7:2023 Server Side Request Forgery — the server never builds outbound URLs or links from
// request data.
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { toJSONSchema } from 'zod';
import { createMailCapture, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';

/**
 * The only procedures that take a destination to fetch: webhook endpoints.
 * Their URL passes the SSRF checks (server/src/webhooks/resolve-destination.ts)
 * when registered or changed and again at every delivery; the attacks on
 * them (loopback, private, metadata, IPv4-mapped, DNS to loopback, a
 * redirect to loopback) are in test/webhooks/ and server/test/webhooks/.
 */
const CHECKED_DESTINATIONS = ['webhooks.create', 'webhooks.update'];

describe('API7 server-side request forgery', () => {
  let mail: MailCapture;
  beforeAll(async () => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({
    env: { PUBLIC_URL: 'https://app.example.com' },
    mailTransport: mail,
  }));

  it('no procedure takes a URL, host or callback but the SSRF-checked webhooks', () => {
    const suspicious: string[] = [];
    for (const p of listProcedures(appRouter)) {
      const inputs = p.inputs;
      for (const input of inputs) {
        const text = JSON.stringify(
          toJSONSchema(input as never, { io: 'input', unrepresentable: 'any' }),
        );
        if (
          /"(url|uri|href|host|callback|webhook|redirect\w*)"\s*:/i.test(text) ||
          /"format":"uri"/.test(text)
        )
          suspicious.push(p.path);
      }
    }
    expect(suspicious.sort()).toEqual(CHECKED_DESTINATIONS);
  });

  it('a forged Host header does not steer the reset link (links use PUBLIC_URL)', async () => {
    await signInUser(t.url, 'api7@example.com');
    const res = await fetch(`${t.url}/trpc/auth.requestPasswordReset`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
      },
      body: JSON.stringify({ email: 'api7@example.com' }),
    });
    expect(res.status).toBe(200);
    const message = await mail.waitFor('api7@example.com', /Reset your password/);
    expect(message.text).toContain('https://app.example.com/reset-password?token=');
    expect(message.text).not.toContain('evil.example');
  });
});
