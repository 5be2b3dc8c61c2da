import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { useTestApp } from '../support/use-test-app';
import { createTestClient } from '../support/trpc-test-client';

describe('mail through a real SMTP listener', () => {
  let smtp: SmtpCapture;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
  });
  const t = useTestApp(() => ({
    env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://app.example.com' },
  }));
  afterAll(async () => {
    await smtp?.close();
  });

  it('delivers the verification mail over SMTP with a working link, keeps no body', async () => {
    const { trpc } = createTestClient(t.url);
    await trpc.auth.signUp.mutate({
      email: 'smtp-user@example.com',
      password: 'a long enough passphrase here',
    });
    const deadline = Date.now() + 10_000;
    while (
      !smtp.received.some((r) => r.to.includes('smtp-user@example.com')) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 50));
    const message = smtp.received.find((r) => r.to.includes('smtp-user@example.com'));
    expect(message).toBeDefined();
    const unfolded = (message?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = /https:\/\/app\.example\.com\/verify-email\?token=([A-Za-z0-9_-]{43})/.exec(
      unfolded,
    );
    expect(link?.[1]).toBeDefined();
    expect(await trpc.auth.verifyEmail.mutate({ token: link?.[1] ?? '' })).toEqual({ ok: true });
    const rows = await t.database.handle.db
      .selectFrom('mail_outbox')
      .select(['sent_at', 'payload'])
      .where('to_address', '=', 'smtp-user@example.com')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sent_at).not.toBeNull();
    expect(rows[0]?.payload).toBe('');
  });
});
