import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';

const PASSWORD = 'correct horse battery staple 42';

describe.each(DATABASE_KINDS)('identity over HTTP (%s)', (kind) => {
  let mail: MailCapture;
  beforeAll(async () => {
    mail = createMailCapture();
  });
  // useTestApp's generous request budgets: this file makes many auth calls from one address.
  const t = useTestApp(() => ({
    kind,
    env: {
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      // Long enough that three refused hashes on a busy machine fall in one window.
      LOGIN_LOCKOUT_SECONDS: '10',
      PASSWORD_RESET_PER_IP_PER_HOUR: '1000',
    },
    mailTransport: mail,
  }));

  const db = () => t.database.handle.db;

  async function signUpVerified(email: string, password = PASSWORD): Promise<void> {
    const { trpc } = createTestClient(t.url);
    await trpc.auth.signUp.mutate({ email, password });
    const token = tokenFromMail(await mail.waitFor(email, /Confirm your email/));
    await trpc.auth.verifyEmail.mutate({ token });
  }

  it('sign-up → verify → sign-in → me → sign-out', async () => {
    const { trpc, jar } = createTestClient(t.url);
    expect(
      await trpc.auth.signUp.mutate({
        email: '  Alice@Example.COM ',
        password: PASSWORD,
        name: 'Alice',
      }),
    ).toEqual({ accepted: true });
    // Sign-up signs nobody in.
    expect(jar.get('gatehouse_session')).toBeUndefined();
    const verification = await mail.waitFor('alice@example.com', /Confirm your email/);
    await trpc.auth.verifyEmail.mutate({ token: tokenFromMail(verification) });

    const signedIn = await trpc.auth.signIn.mutate({
      email: 'alice@example.com',
      password: PASSWORD,
    });
    if (signedIn.status !== 'signed_in') throw new Error('expected a session');
    expect(signedIn.user.email).toBe('alice@example.com');
    expect(signedIn.user.emailVerified).toBe(true);
    const cookie = jar.get('gatehouse_session');
    expect(cookie).toMatch(/^[a-z2-7]{24}\.[A-Za-z0-9_-]{43}$/);

    const me = await trpc.auth.me.query();
    expect(me.user.name).toBe('Alice');
    expect(me.session?.current).toBe(true);
    expect(me.session?.id).toBe(signedIn.session.id);

    expect(await trpc.auth.signOut.mutate()).toEqual({ ok: true });
    expect(jar.get('gatehouse_session')).toBeUndefined();
    expect((await refusal(trpc.auth.me.query())).httpStatus).toBe(401);
    // The old cookie no longer works either.
    jar.set('gatehouse_session', cookie ?? '');
    expect(await refusal(trpc.auth.me.query())).toMatchObject({
      httpStatus: 401,
      reason: 'SESSION_INVALID',
    });
  });

  it('sets a HttpOnly, SameSite=Lax, Path=/ cookie; no __Host- one over plain HTTP', async () => {
    await signUpVerified('cookie@example.com');
    const res = await fetch(`${t.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ email: 'cookie@example.com', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(/^gatehouse_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    expect(await res.text()).not.toMatch(/argon2|password_hash|secret/i);
  });

  it('answers sign-up for a taken email like a new one, and mails the owner a notice', async () => {
    await signUpVerified('taken@example.com');
    const send = (email: string) =>
      fetch(`${t.url}/trpc/auth.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
    const existing = await send('taken@example.com');
    const fresh = await send('fresh@example.com');
    expect(existing.status).toBe(fresh.status);
    expect(await existing.text()).toBe(await fresh.text());
    await mail.waitFor('taken@example.com', /tried to sign up/);
    const users = await db()
      .selectFrom('users')
      .select('email')
      .where('email', '=', 'taken@example.com')
      .execute();
    expect(users).toHaveLength(1);
  });

  it('answers a reset request the same for known and unknown emails', async () => {
    await signUpVerified('known@example.com');
    const send = (email: string) =>
      fetch(`${t.url}/trpc/auth.requestPasswordReset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
    const known = await send('known@example.com');
    const unknown = await send('nobody@example.com');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await known.text()).toBe(await unknown.text());
    await mail.waitFor('known@example.com', /Reset your password/);
    expect(mail.messages.some((m) => m.to === 'nobody@example.com')).toBe(false);
  });

  it('refuses weak passwords with precise reasons', async () => {
    const { trpc } = createTestClient(t.url);
    expect(
      await refusal(trpc.auth.signUp.mutate({ email: 'weak@example.com', password: 'short' })),
    ).toMatchObject({ httpStatus: 400, reason: 'PASSWORD_TOO_SHORT' });
    expect(
      await refusal(
        trpc.auth.signUp.mutate({ email: 'weak@example.com', password: 'only twelve!' }),
      ),
    ).toMatchObject({ reason: 'PASSWORD_TOO_SHORT' });
    expect(
      await refusal(
        trpc.auth.signUp.mutate({ email: 'weak@example.com', password: 'x'.repeat(257) }),
      ),
    ).toMatchObject({ reason: 'PASSWORD_TOO_LONG' });
    expect(
      await refusal(
        trpc.auth.signUp.mutate({ email: 'weak@example.com', password: '1qaz2wsx3edc4rfv' }),
      ),
    ).toMatchObject({ reason: 'PASSWORD_TOO_COMMON' });
    expect(
      await refusal(
        trpc.auth.signUp.mutate({
          email: 'weakling@example.com',
          password: 'my name is weakling ok',
        }),
      ),
    ).toMatchObject({ reason: 'PASSWORD_CONTAINS_EMAIL' });
    const rows = await db()
      .selectFrom('users')
      .select('id')
      .where('email', 'like', 'weak%')
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('gives the same INVALID_CREDENTIALS for an unknown email and a wrong password', async () => {
    await signUpVerified('bob@example.com');
    const { trpc } = createTestClient(t.url);
    const wrong = await refusal(
      trpc.auth.signIn.mutate({ email: 'bob@example.com', password: 'not the password at all' }),
    );
    const unknown = await refusal(
      trpc.auth.signIn.mutate({ email: 'ghost@example.com', password: 'not the password at all' }),
    );
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ httpStatus: 401, reason: 'INVALID_CREDENTIALS' });
  });

  it('locks sign-in after failures, even for the right password; releases after it', async () => {
    await signUpVerified('carol@example.com');
    const { trpc } = createTestClient(t.url);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await refusal(
            trpc.auth.signIn.mutate({
              email: 'carol@example.com',
              password: 'wrong password number ' + i,
            }),
          )
        ).reason,
      ).toBe('INVALID_CREDENTIALS');
    }
    const res = await fetch(`${t.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'carol@example.com', password: PASSWORD }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      'TOO_MANY_ATTEMPTS',
    );
    // Released once the window ends: wait what Retry-After says, then sign in.
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000 + 200));
    const ok = await trpc.auth.signIn.mutate({ email: 'carol@example.com', password: PASSWORD });
    expect(ok.status === 'signed_in' && ok.user.email).toBe('carol@example.com');
  });

  it('consumes a reset token once, never twice, and revokes every session', async () => {
    await signUpVerified('dave@example.com');
    const a = createTestClient(t.url);
    await a.trpc.auth.signIn.mutate({ email: 'dave@example.com', password: PASSWORD });
    await a.trpc.auth.requestPasswordReset.mutate({ email: 'dave@example.com' });
    const token = tokenFromMail(await mail.waitFor('dave@example.com', /Reset your password/));
    const newPassword = 'a brand new long passphrase';
    expect(await a.trpc.auth.resetPassword.mutate({ token, newPassword })).toEqual({ ok: true });
    expect(
      await refusal(
        a.trpc.auth.resetPassword.mutate({ token, newPassword: 'yet another long passphrase' }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID', httpStatus: 400 });
    expect(await refusal(a.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
    expect(
      await refusal(a.trpc.auth.signIn.mutate({ email: 'dave@example.com', password: PASSWORD })),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    await a.trpc.auth.signIn.mutate({ email: 'dave@example.com', password: newPassword });
  });

  it('lets exactly one of two concurrent uses of a reset token win', async () => {
    await signUpVerified('erin@example.com');
    const { trpc } = createTestClient(t.url);
    await trpc.auth.requestPasswordReset.mutate({ email: 'erin@example.com' });
    const token = tokenFromMail(await mail.waitFor('erin@example.com', /Reset your password/));
    const results = await Promise.allSettled([
      trpc.auth.resetPassword.mutate({ token, newPassword: 'first concurrent passphrase' }),
      trpc.auth.resetPassword.mutate({ token, newPassword: 'second concurrent passphrase' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner =
      results[0]?.status === 'fulfilled'
        ? 'first concurrent passphrase'
        : 'second concurrent passphrase';
    await trpc.auth.signIn.mutate({ email: 'erin@example.com', password: winner });
  });

  it('refuses an expired token', async () => {
    await signUpVerified('frank@example.com');
    const { trpc } = createTestClient(t.url);
    await trpc.auth.requestPasswordReset.mutate({ email: 'frank@example.com' });
    const token = tokenFromMail(await mail.waitFor('frank@example.com', /Reset your password/));
    await db()
      .updateTable('one_time_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('purpose', '=', 'password_reset')
      .where('consumed_at', 'is', null)
      .execute();
    expect(
      await refusal(
        trpc.auth.resetPassword.mutate({ token, newPassword: 'too late for this passphrase' }),
      ),
    ).toMatchObject({ reason: 'TOKEN_EXPIRED', httpStatus: 400 });
    await trpc.auth.signIn.mutate({ email: 'frank@example.com', password: PASSWORD });
  });

  it('refuses tampered, truncated, forged and revoked cookies with 401', async () => {
    await signUpVerified('grace@example.com');
    const { trpc, jar } = createTestClient(t.url);
    await trpc.auth.signIn.mutate({ email: 'grace@example.com', password: PASSWORD });
    const good = jar.get('gatehouse_session') ?? '';
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [
      flip(good, good.length - 3),
      good.slice(0, -5),
      good.split('.')[0] ?? '',
      `${good.split('.')[0]}.${'A'.repeat(43)}`,
      'garbage',
      '',
    ]) {
      jar.set('gatehouse_session', bad);
      expect((await refusal(trpc.auth.me.query())).httpStatus).toBe(401);
    }
    jar.set('gatehouse_session', good);
    expect((await trpc.auth.me.query()).user.email).toBe('grace@example.com');
    const other = createTestClient(t.url);
    await other.trpc.auth.signIn.mutate({ email: 'grace@example.com', password: PASSWORD });
    await other.trpc.sessions.revoke.mutate({ id: good.split('.')[0] ?? '' });
    expect(await refusal(trpc.auth.me.query())).toMatchObject({
      httpStatus: 401,
      reason: 'SESSION_INVALID',
    });
  });

  it('a dump of the sessions table yields no working cookie', async () => {
    await signUpVerified('heidi@example.com');
    const { trpc } = createTestClient(t.url);
    await trpc.auth.signIn.mutate({ email: 'heidi@example.com', password: PASSWORD });
    const rows = await db().selectFrom('sessions').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const hash = Buffer.from(row.secret_hash);
      for (const candidate of [
        `${row.id}.${hash.toString('base64url')}`,
        `${row.id}.${hash.toString('hex')}`,
        `${row.id}.${hash.toString('base64url').slice(0, 43)}`,
        row.id,
      ]) {
        const res = await fetch(`${t.url}/trpc/auth.me`, {
          headers: { cookie: `gatehouse_session=${candidate}` },
        });
        expect(res.status).toBe(401);
      }
    }
  });

  it('a password change logs out the other session but not the current one', async () => {
    await signUpVerified('ivan@example.com');
    const current = createTestClient(t.url);
    const other = createTestClient(t.url);
    await current.trpc.auth.signIn.mutate({ email: 'ivan@example.com', password: PASSWORD });
    await other.trpc.auth.signIn.mutate({ email: 'ivan@example.com', password: PASSWORD });
    expect(
      await refusal(
        current.trpc.auth.changePassword.mutate({
          currentPassword: 'not my password at all',
          newPassword: 'a changed long passphrase',
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    await current.trpc.auth.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: 'a changed long passphrase',
    });
    expect((await current.trpc.auth.me.query()).user.email).toBe('ivan@example.com');
    expect(await refusal(other.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
    const sessions = await current.trpc.sessions.list.query();
    expect(sessions.sessions).toHaveLength(1);
    expect(sessions.sessions[0]?.current).toBe(true);
  });

  it('never returns a password hash or secret from auth.me or sessions.list', async () => {
    await signUpVerified('judy@example.com');
    const { jar, trpc } = createTestClient(t.url);
    await trpc.auth.signIn.mutate({ email: 'judy@example.com', password: PASSWORD });
    for (const path of ['auth.me', 'sessions.list']) {
      const res = await fetch(`${t.url}/trpc/${path}`, { headers: { cookie: jar.header() } });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toMatch(/argon2|password_?hash|secret_?hash|\$v=19/i);
      expect(text).not.toContain((jar.get('gatehouse_session') ?? 'x').split('.')[1]);
    }
  });

  it('lets a user revoke only their own sessions', async () => {
    await signUpVerified('ken@example.com');
    await signUpVerified('leo@example.com');
    const ken = createTestClient(t.url);
    const leo = createTestClient(t.url);
    await ken.trpc.auth.signIn.mutate({ email: 'ken@example.com', password: PASSWORD });
    await leo.trpc.auth.signIn.mutate({ email: 'leo@example.com', password: PASSWORD });
    const leoSession = (await leo.trpc.auth.me.query()).session?.id ?? '';
    expect(await refusal(ken.trpc.sessions.revoke.mutate({ id: leoSession }))).toMatchObject({
      reason: 'NOT_FOUND',
      httpStatus: 404,
    });
    expect((await leo.trpc.auth.me.query()).user.email).toBe('leo@example.com');
  });

  it('stores sessions and tokens only as hashes', async () => {
    const tokens = await db().selectFrom('one_time_tokens').select(['token_hash']).execute();
    for (const t0 of tokens) expect(Buffer.from(t0.token_hash)).toHaveLength(32);
    const outbox = await db().selectFrom('mail_outbox').select(['payload']).execute();
    for (const row of outbox) expect(row.payload).not.toMatch(/token=/);
  });
});
