// OWASP API2:2023 Broken Authentication — forged, tampered, replayed and leaked credentials.
import { describe, expect, it } from 'vitest';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';

describe.each(DATABASE_KINDS)('API2 broken authentication (%s)', (kind) => {
  const t = useTestApp({
    kind,
    env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_LOCKOUT_SECONDS: '60' },
  });

  const me = (cookie: string) => fetch(`${t.url}/trpc/auth.me`, { headers: { cookie } });

  it('a forged cookie (right shape) and a cookie from a database dump are refused', async () => {
    const user = await signInUser(t.url, 'api2-forge@example.com');
    const token = user.jar.get('gatehouse_session') ?? '';
    const [id] = token.split('.');
    expect((await me(`gatehouse_session=${id}.${'x'.repeat(43)}`)).status).toBe(401);
    const row = await t.database.handle.db
      .selectFrom('sessions')
      .select(['id', 'secret_hash'])
      .where('id', '=', id ?? '')
      .executeTakeFirstOrThrow();
    expect(
      (
        await me(
          `gatehouse_session=${row.id}.${Buffer.from(row.secret_hash).toString('base64url')}`,
        )
      ).status,
    ).toBe(401);
    expect((await me(`gatehouse_session=${token}`)).status).toBe(200);
  });

  it('a __Host- cookie is refused over plain HTTP (it could only have been planted)', async () => {
    const user = await signInUser(t.url, 'api2-host@example.com');
    const token = user.jar.get('gatehouse_session') ?? '';
    expect((await me(`__Host-gatehouse_session=${token}`)).status).toBe(401);
  });

  it('a signed-out session cannot be replayed', async () => {
    const user = await signInUser(t.url, 'api2-replay@example.com');
    const token = user.jar.get('gatehouse_session') ?? '';
    await user.trpc.auth.signOut.mutate();
    expect((await me(`gatehouse_session=${token}`)).status).toBe(401);
  });

  it('credential stuffing hits the account lock: the right password is then refused', async () => {
    const user = await signInUser(t.url, 'api2-stuff@example.com');
    for (let i = 0; i < 3; i++)
      await refusal(
        user.trpc.auth.signIn.mutate({
          email: 'api2-stuff@example.com',
          password: `guess number ${i} long`,
        }),
      );
    expect(
      await refusal(
        user.trpc.auth.signIn.mutate({
          email: 'api2-stuff@example.com',
          password: 'a long enough test passphrase',
        }),
      ),
    ).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS', httpStatus: 429 });
  });

  it('Basic authentication is not a way in', async () => {
    const pair = Buffer.from('api2-forge@example.com:a long enough test passphrase');
    const res = await fetch(`${t.url}/trpc/auth.me`, {
      headers: {
        authorization: `Basic ${pair.toString('base64')}`,
      },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      'BASIC_AUTH_UNSUPPORTED',
    );
  });

  it('behind a Basic-auth proxy the cookie authenticates; cross-site is still CSRF', async () => {
    const email = `api2-basic-proxy-${kind}@example.com`;
    const user = await signInUser(t.url, email);
    const cookie = user.jar.header();
    const orgCount = async () =>
      Number(
        (
          await t.database.handle.db
            .selectFrom('orgs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const authorization of [
      `Basic ${Buffer.from('staging:gate').toString('base64')}`,
      'Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag',
      'Digest username="staging", realm="gate"',
    ]) {
      const me = await fetch(`${t.url}/trpc/auth.me`, { headers: { cookie, authorization } });
      expect(me.status, authorization).toBe(200);
      expect(await me.text()).toContain(email);
      // The browser attaches these credentials by itself, to a cross-site form post too: they
      // exempt nothing from CSRF.
      const before = await orgCount();
      const forged = await fetch(`${t.url}/trpc/orgs.create`, {
        method: 'POST',
        headers: {
          cookie,
          authorization,
          origin: 'https://evil.example',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'Forged' }),
      });
      expect(forged.status, authorization).toBe(403);
      expect(
        ((await forged.json()) as { error: { data: { reason: string } } }).error.data.reason,
      ).toBe('CSRF_REJECTED');
      expect(await orgCount()).toBe(before);
    }
  });
});
