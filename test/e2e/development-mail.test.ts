import { afterEach, describe, expect, it } from 'vitest';
import { startLoggedApp, type LoggedApp } from '../support/logged-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createTestClient } from '../support/trpc-test-client';

const PASSWORD = 'a long enough test passphrase';
const isMail = (l: Record<string, unknown>): boolean =>
  typeof l.msg === 'string' && l.msg.startsWith('mail (log transport');

describe('mail without SMTP_URL', () => {
  let t: LoggedApp | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await t?.close();
    await db?.destroy();
    t = undefined;
    db = undefined;
  });

  it('in development is logged with its body, so the link can be followed', async () => {
    db = await createTestDatabase('pglite');
    t = await startLoggedApp(db, { GATEHOUSE_ENV: 'development' });
    const client = createTestClient(t.url);
    await client.trpc.auth.signUp.mutate({ email: 'dev@example.com', password: PASSWORD });
    const line = await t.waitForLine(isMail);
    expect(line.msg).toBe(
      'mail (log transport; the body is logged only in development without SMTP_URL)',
    );
    expect(line.mailTo).toBe('dev@example.com');
    const link = /(https?:\/\/\S+\/verify-email\?token=([\w-]+))/.exec(String(line.text));
    expect(link, String(line.text)).not.toBeNull();
    await client.trpc.auth.signIn.mutate({ email: 'dev@example.com', password: PASSWORD });
    expect((await client.trpc.auth.me.query()).user.emailVerified).toBe(false);
    await client.trpc.auth.verifyEmail.mutate({
      token: new URL(link?.[1] ?? '').searchParams.get('token') ?? '',
    });
    expect((await client.trpc.auth.me.query()).user.emailVerified).toBe(true);
  });

  it('in test mode logs only recipient and subject, never the body', async () => {
    db = await createTestDatabase('pglite');
    t = await startLoggedApp(db, { GATEHOUSE_ENV: 'test' });
    await createTestClient(t.url).trpc.auth.signUp.mutate({
      email: 'quiet@example.com',
      password: PASSWORD,
    });
    const line = await t.waitForLine(isMail);
    expect(line).toMatchObject({ msg: 'mail (log transport)', mailTo: 'quiet@example.com' });
    expect(line).not.toHaveProperty('text');
    expect(JSON.stringify(t.lines)).not.toContain('verify-email?token=');
  });
});
