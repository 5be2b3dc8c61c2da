import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tokenFromMail } from '../support/mail-capture';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const codeFromMail = (text: string): string => {
  const m = /code[^:]*: (\d{8})/.exec(text);
  if (!m?.[1]) throw new Error(`no code in: ${text}`);
  return m[1];
};

describe.each(DATABASE_KINDS)('email sign-in: link and code (%s)', (kind) => {
  const t = useTestApp({ kind });
  const mail = () => {
    if (!t.mail) throw new Error('no mail capture');
    return t.mail;
  };
  const ask = async (email: string) => {
    const browser = t.client();
    const seen = mail().messages.length;
    expect(await browser.trpc.auth.email.request.mutate({ email })).toEqual({ accepted: true });
    const deadline = Date.now() + 5000;
    for (;;) {
      const m = mail()
        .messages.slice(seen)
        .find((x) => x.to === email && /sign-in link/.test(x.subject));
      if (m) return { browser, message: m, token: tokenFromMail(m), code: codeFromMail(m.text) };
      if (Date.now() > deadline) throw new Error(`no sign-in mail to ${email}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('signs in the asking browser with the link, once, and verifies the address', async () => {
    const user = await t.signIn('link-user@example.com', { verified: false });
    const { browser, token } = await ask('link-user@example.com');
    const signedIn = await browser.trpc.auth.email.signInWithLink.mutate({ token });
    expect(signedIn).toMatchObject({ status: 'signed_in', user: { id: user.userId } });
    const me = await browser.trpc.auth.me.query();
    expect(me.user.emailVerified).toBe(true);
    expect(me.session).toMatchObject({ authMethod: 'email_link', authLevel: 'password' });
    expect(await refusal(browser.trpc.auth.email.signInWithLink.mutate({ token }))).toMatchObject({
      reason: 'TOKEN_INVALID',
      httpStatus: 400,
    });
    const row = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'auth.sign_in')
      .where('actor_id', '=', user.userId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.details).toMatchObject({ method: 'email_link' });
  });

  it('asks another browser to confirm rather than signing it in (login CSRF)', async () => {
    await t.signIn('planted@example.com');
    const { browser, token } = await ask('planted@example.com');
    const victim = t.client();
    expect(await victim.trpc.auth.email.signInWithLink.mutate({ token })).toEqual({
      status: 'confirmation_required',
      email: 'planted@example.com',
    });
    expect((await refusal(victim.trpc.auth.me.query())).httpStatus).toBe(401);
    // Nothing was used up: the asking browser still signs in with it.
    expect((await browser.trpc.auth.email.signInWithLink.mutate({ token })).status).toBe(
      'signed_in',
    );
    // And an explicit confirmation elsewhere works on a fresh link.
    const second = await ask('planted@example.com');
    const other = t.client();
    expect(
      (await other.trpc.auth.email.signInWithLink.mutate({ token: second.token, confirm: true }))
        .status,
    ).toBe('signed_in');
    expect((await other.trpc.auth.me.query()).user.email).toBe('planted@example.com');
  });

  it('takes the code only in the asking browser, 5 tries; stores neither secret', async () => {
    const user = await t.signIn('code-user@example.com');
    const { browser, token, code } = await ask('code-user@example.com');
    const dump = await t.db
      .selectFrom('one_time_tokens')
      .select(sql<string>`one_time_tokens::text`.as('row'))
      .where('user_id', '=', user.userId)
      .execute();
    for (const { row } of dump) {
      expect(row).not.toContain(code);
      expect(row).not.toContain(token);
    }
    // Another browser holding the code gets nowhere.
    expect(
      await refusal(
        t.client().trpc.auth.email.signInWithCode.mutate({ email: 'code-user@example.com', code }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS', httpStatus: 401 });
    const signedIn = await browser.trpc.auth.email.signInWithCode.mutate({
      email: 'code-user@example.com',
      code,
    });
    expect(signedIn.status).toBe('signed_in');
    expect((await browser.trpc.auth.me.query()).session?.authMethod).toBe('email_code');
    // The code used the token up: the link no longer works either.
    expect(
      await refusal(t.client().trpc.auth.email.signInWithLink.mutate({ token })),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });

    const again = await ask('code-user@example.com');
    const wrong = again.code === '00000000' ? '11111111' : '00000000';
    for (const _ of [1, 2, 3, 4, 5]) {
      expect(
        await refusal(
          again.browser.trpc.auth.email.signInWithCode.mutate({
            email: 'code-user@example.com',
            code: wrong,
          }),
        ),
      ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    }
    expect(
      await refusal(
        again.browser.trpc.auth.email.signInWithCode.mutate({
          email: 'code-user@example.com',
          code: again.code,
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
  });

  it('answers an unknown address the same, mails nothing, limits asks', async () => {
    const seen = mail().messages.length;
    const stranger = t.client();
    expect(
      await stranger.trpc.auth.email.request.mutate({ email: 'nobody-here@example.com' }),
    ).toEqual({ accepted: true });
    expect(stranger.jar.header()).toContain('gatehouse_email_sign_in=');
    await new Promise((r) => setTimeout(r, 150));
    expect(
      mail()
        .messages.slice(seen)
        .filter((m) => m.to === 'nobody-here@example.com'),
    ).toEqual([]);
    // PASSWORD_RESET_PER_EMAIL_PER_HOUR (3) asks per address, counted apart from resets.
    for (const _ of [2, 3])
      await stranger.trpc.auth.email.request.mutate({ email: 'nobody-here@example.com' });
    expect(
      await refusal(stranger.trpc.auth.email.request.mutate({ email: 'nobody-here@example.com' })),
    ).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
  });

  it('gives a link to one of two concurrent uses; MFA accounts get the challenge', async () => {
    await t.signIn('race-link@example.com');
    const { browser, token } = await ask('race-link@example.com');
    const results = await Promise.allSettled([
      browser.trpc.auth.email.signInWithLink.mutate({ token }),
      browser.trpc.auth.email.signInWithLink.mutate({ token }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const mfaUser = await t.signIn('link-mfa@example.com');
    await t.db
      .updateTable('users')
      .set({ mfa_enabled_at: sql<Date>`now()` })
      .where('id', '=', mfaUser.userId)
      .execute();
    const asked = await ask('link-mfa@example.com');
    const answer = await asked.browser.trpc.auth.email.signInWithLink.mutate({
      token: asked.token,
    });
    expect(answer.status).toBe('mfa_required');
    expect((await refusal(asked.browser.trpc.auth.me.query())).httpStatus).toBe(401);
  });

  it('mails a locked account nothing and signs nobody in to it', async () => {
    const user = await t.signIn('locked-link@example.com');
    await t.db
      .updateTable('users')
      .set({ locked_at: sql<Date>`now()`, lock_kind: 'admin' })
      .where('id', '=', user.userId)
      .execute();
    const seen = mail().messages.length;
    await t.client().trpc.auth.email.request.mutate({ email: 'locked-link@example.com' });
    await new Promise((r) => setTimeout(r, 150));
    expect(
      mail()
        .messages.slice(seen)
        .filter((m) => m.to === 'locked-link@example.com'),
    ).toEqual([]);
  });
});
