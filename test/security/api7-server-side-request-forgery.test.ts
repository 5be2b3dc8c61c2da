// OWASP API7:2023 Server Side Request Forgery — the server never builds outbound URLs or links from request data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { toJSONSchema } from 'zod';
import { createMailCapture, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';

describe('API7 server-side request forgery', () => {
  let t: TestApp;
  let mail: MailCapture;
  beforeAll(async () => {
    mail = createMailCapture();
    t = await startTestApp(
      'pglite',
      { RATE_LIMIT_AUTH_PER_MINUTE: '10000', PUBLIC_URL: 'https://app.example.com' },
      { mailTransport: mail },
    );
  });
  afterAll(async () => t?.close());

  it('no procedure takes a URL, host or callback to fetch', () => {
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
    expect(suspicious).toEqual([]);
  });

  it('a forged Host header does not steer the reset link (links come from PUBLIC_URL only)', async () => {
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
