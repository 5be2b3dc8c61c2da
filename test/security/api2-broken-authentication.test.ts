// OWASP API2:2023 Broken Authentication — forged, tampered, replayed and leaked credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUser } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';

describe.each(DATABASE_KINDS)('API2 broken authentication (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { RATE_LIMIT_AUTH_PER_MINUTE: '10000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_LOCKOUT_SECONDS: '60' });
  });
  afterAll(async () => t?.close());

  const me = (cookie: string) => fetch(`${t.url}/trpc/auth.me`, { headers: { cookie } });

  it('a forged cookie (right shape, invented secret) and a cookie from the database dump are refused', async () => {
    const user = await signInUser(t.url, 'api2-forge@example.com');
    const token = user.jar.get('gatehouse_session') ?? '';
    const [id] = token.split('.');
    expect((await me(`gatehouse_session=${id}.${'x'.repeat(43)}`)).status).toBe(401);
    const row = await t.database.handle.db.selectFrom('sessions').select(['id', 'secret_hash']).where('id', '=', id ?? '').executeTakeFirstOrThrow();
    expect((await me(`gatehouse_session=${row.id}.${Buffer.from(row.secret_hash).toString('base64url')}`)).status).toBe(401);
    expect((await me(`gatehouse_session=${token}`)).status).toBe(200);
  });

  it('a __Host- cookie is not accepted over plain HTTP (it could only have been planted)', async () => {
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

  it('credential stuffing hits the per-account lock: the right password is refused afterwards', async () => {
    const user = await signInUser(t.url, 'api2-stuff@example.com');
    for (let i = 0; i < 3; i++) await refusal(user.trpc.auth.signIn.mutate({ email: 'api2-stuff@example.com', password: `guess number ${i} long` }));
    expect(await refusal(user.trpc.auth.signIn.mutate({ email: 'api2-stuff@example.com', password: 'a long enough test passphrase' }))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS', httpStatus: 429 });
  });

  it('Basic authentication is not a way in', async () => {
    const res = await fetch(`${t.url}/trpc/auth.me`, { headers: { authorization: `Basic ${Buffer.from('api2-forge@example.com:a long enough test passphrase').toString('base64')}` } });
    expect(res.status).toBe(401);
  });
});
