import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  addPasskey,
  createSoftAuthenticator,
  PAGE,
  PASSKEY_ENV,
  passkeySignIn,
} from '../support/soft-authenticator';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe.each(DATABASE_KINDS)('passkeys (%s)', (kind) => {
  const t = useTestApp({ kind, env: { ...PASSKEY_ENV, ACCOUNT_DELETION_GRACE_DAYS: '0' } });
  const staleStepUp = async (userId: string): Promise<void> => {
    await t.db
      .updateTable('sessions')
      .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
      .where('user_id', '=', userId)
      .execute();
    await t.app.deps.sessions.forgetUser(userId);
  };

  it('registers from a stepped-up session only; lists, renames, mails the owner', async () => {
    const user = await t.signIn('passkey-owner@example.com');
    const authenticator = createSoftAuthenticator(PAGE);
    const created = await user.trpc.apiKeys.create.mutate({
      name: 'settings key',
      scopes: ['self:read', 'self:write'],
      expiresAt: inAYear(),
    });
    const key = createTestClient(t.url, { headers: { authorization: `Bearer ${created.key}` } });
    expect(await refusal(key.trpc.account.passkeys.registrationOptions.mutate())).toMatchObject({
      reason: 'SESSION_REQUIRED',
      httpStatus: 403,
    });
    await staleStepUp(user.userId);
    expect(await refusal(user.trpc.account.passkeys.registrationOptions.mutate())).toMatchObject({
      reason: 'REAUTH_REQUIRED',
      httpStatus: 403,
    });
    await user.trpc.auth.reauthenticate.mutate({ password: TEST_PASSWORD });

    const options = await user.trpc.account.passkeys.registrationOptions.mutate();
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Gatehouse' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const passkey = await user.trpc.account.passkeys.register.mutate({
      response: authenticator.register(options),
      name: 'Laptop',
    });
    expect(passkey).toMatchObject({ name: 'Laptop', deviceType: 'singleDevice', backedUp: false });
    // The challenge is stored as a hash only.
    const dump = await t.db
      .selectFrom('one_time_tokens')
      .select(sql<string>`one_time_tokens::text`.as('row'))
      .where('purpose', '=', 'passkey_registration')
      .execute();
    for (const { row } of dump) expect(row).not.toContain(options.challenge);

    const mail = t.mail;
    if (!mail) throw new Error('no mail capture');
    expect((await mail.waitFor('passkey-owner@example.com', /new passkey/i)).text).toContain(
      '"Laptop"',
    );
    const renamed = await user.trpc.account.passkeys.rename.mutate({
      id: passkey.id,
      name: 'Work laptop',
    });
    expect(renamed.name).toBe('Work laptop');
    const list = await user.trpc.account.passkeys.list.query();
    expect(list.passkeys.map((p) => p.name)).toEqual(['Work laptop']);
    expect(JSON.stringify(list)).not.toMatch(/publicKey|credential/i);
    // excludeCredentials names the passkey already held.
    const again = await user.trpc.account.passkeys.registrationOptions.mutate();
    expect(again.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.credentials[0]?.id]);
    const actions = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', user.userId)
      .where('action', 'like', 'passkey.%')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['passkey.register', 'passkey.rename']);
    // Another account cannot rename it.
    const other = await t.signIn('passkey-other@example.com');
    expect(
      await refusal(other.trpc.account.passkeys.rename.mutate({ id: passkey.id, name: 'mine' })),
    ).toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('signs in without password or username, at level mfa, and stores the counter', async () => {
    const user = await t.signIn('passkey-signin@example.com');
    const authenticator = createSoftAuthenticator(PAGE);
    const passkey = await addPasskey(user, authenticator);
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    expect(options).toMatchObject({
      rpId: 'localhost',
      allowCredentials: [],
      userVerification: 'required',
    });
    const signedIn = await browser.trpc.auth.passkey.signIn.mutate({
      response: authenticator.assert(options),
    });
    expect(signedIn).toMatchObject({ status: 'signed_in', user: { id: user.userId } });
    const me = await browser.trpc.auth.me.query();
    expect(me.session).toMatchObject({ authMethod: 'passkey', authLevel: 'mfa' });
    const row = await t.db
      .selectFrom('passkeys')
      .select(['counter', 'last_used_at'])
      .where('id', '=', passkey.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(1);
    expect(row.last_used_at).not.toBeNull();
    // A fresh passkey session is a fresh re-authentication: step-up procedures open.
    expect(
      (await browser.trpc.account.passkeys.registrationOptions.mutate()).challenge,
    ).toBeTruthy();
    const audit = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'auth.sign_in')
      .where('actor_id', '=', user.userId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ method: 'passkey', authLevel: 'mfa' });
  });

  it("satisfies an org's require-MFA; a password session does not until it steps up", async () => {
    const owner = await t.signIn('passkey-org-owner@example.com');
    const authenticator = createSoftAuthenticator(PAGE);
    await addPasskey(owner, authenticator);
    const byPasskey = await passkeySignIn(t.url, authenticator);
    const org = await byPasskey.trpc.orgs.create.mutate({ name: 'Passkey Org' });
    await byPasskey.trpc.orgs.update.mutate({ orgId: org.id, patch: { requireMfa: true } });
    expect((await byPasskey.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
    // The password-only session of the same account is refused...
    expect(await refusal(owner.trpc.projects.list.query({ orgId: org.id }))).toMatchObject({
      reason: 'MFA_REQUIRED_BY_ORG',
      httpStatus: 403,
    });
    // ...until it proves the passkey (step-up raises it to level mfa).
    const options = await owner.trpc.account.passkeys.reauthenticationOptions.mutate();
    await owner.trpc.auth.reauthenticate.mutate({ passkey: authenticator.assert(options) });
    expect((await owner.trpc.auth.me.query()).session?.authLevel).toBe('mfa');
    expect((await owner.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
  });

  it('steps up by passkey through auth.reauthenticate', async () => {
    const user = await t.signIn('passkey-stepup@example.com');
    const authenticator = createSoftAuthenticator(PAGE);
    await addPasskey(user, authenticator);
    await staleStepUp(user.userId);
    expect(await refusal(user.trpc.account.passkeys.registrationOptions.mutate())).toMatchObject({
      reason: 'REAUTH_REQUIRED',
    });
    const options = await user.trpc.account.passkeys.reauthenticationOptions.mutate();
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.credentials[0]?.id]);
    expect(
      await user.trpc.auth.reauthenticate.mutate({ passkey: authenticator.assert(options) }),
    ).toEqual({ ok: true });
    await addPasskey(user, createSoftAuthenticator(PAGE), 'Second');
    const row = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'auth.reauthenticate')
      .where('actor_id', '=', user.userId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.details).toMatchObject({ method: 'passkey' });
  });

  it('turns MFA on: password sign-in then asks for the passkey (or TOTP)', async () => {
    const user = await t.signIn('passkey-2fa@example.com');
    const authenticator = createSoftAuthenticator(PAGE);
    await addPasskey(user, authenticator);
    expect((await user.trpc.auth.me.query()).user.mfaEnabled).toBe(true);
    const browser = createTestClient(t.url);
    const first = await browser.trpc.auth.signIn.mutate({
      email: 'passkey-2fa@example.com',
      password: TEST_PASSWORD,
    });
    if (first.status !== 'mfa_required') throw new Error('expected an MFA challenge');
    const options = await browser.trpc.auth.passkey.options.mutate({
      mfaChallenge: first.challenge,
    });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.credentials[0]?.id]);
    const assertion = authenticator.assert(options);
    // The MFA-bound challenge does not sign in on its own.
    const fork = await refusal(browser.trpc.auth.passkey.signIn.mutate({ response: assertion }));
    expect(fork.reason).toBe('TOKEN_INVALID');
    const again = await browser.trpc.auth.passkey.options.mutate({
      mfaChallenge: first.challenge,
    });
    const done = await browser.trpc.auth.verifyMfa.mutate({
      challenge: first.challenge,
      passkey: authenticator.assert(again),
    });
    expect(done.status).toBe('signed_in');
    expect((await browser.trpc.auth.me.query()).session).toMatchObject({
      authMethod: 'password',
      authLevel: 'mfa',
    });
    // TOTP still enrols beside it, and turning TOTP off leaves MFA on (the passkey remains).
    const setup = await browser.trpc.mfa.totp.begin.mutate();
    const key = decodeBase32IgnorePadding(setup.secret);
    const step = Math.floor(Date.now() / 30_000);
    await browser.trpc.mfa.totp.confirm.mutate({ code: generateHOTP(key, BigInt(step), 6) });
    await browser.trpc.mfa.totp.disable.mutate();
    expect((await browser.trpc.auth.me.query()).user.mfaEnabled).toBe(true);
  });

  it('deletes a passkey, never the last way to sign in', async () => {
    const user = await t.signIn('passkey-delete@example.com');
    const first = createSoftAuthenticator(PAGE);
    const one = await addPasskey(user, first, 'One');
    // An account whose only way in is this passkey (as after an invitation never accepted).
    await t.db
      .updateTable('users')
      .set({ password_hash: '!no-password: set through the invitation link' })
      .where('id', '=', user.userId)
      .execute();
    expect(await refusal(user.trpc.account.passkeys.delete.mutate({ id: one.id }))).toMatchObject({
      reason: 'LAST_SIGN_IN_METHOD',
      httpStatus: 409,
    });
    const two = await addPasskey(user, createSoftAuthenticator(PAGE), 'Two');
    expect(await user.trpc.account.passkeys.delete.mutate({ id: one.id })).toEqual({ ok: true });
    expect(await refusal(user.trpc.account.passkeys.delete.mutate({ id: two.id }))).toMatchObject({
      reason: 'LAST_SIGN_IN_METHOD',
    });
    expect((await user.trpc.account.passkeys.list.query()).passkeys.map((p) => p.name)).toEqual([
      'Two',
    ]);
    // The deleted passkey no longer signs in.
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({
          response: first.assert(options, { credential: first.credentials[0] }),
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS', httpStatus: 401 });
  });

  it('erases the passkeys with the account; the export lists their metadata', async () => {
    const user = await t.signIn('passkey-erase@example.com');
    await addPasskey(user, createSoftAuthenticator(PAGE), 'Erased soon');
    const { buildExport } = await import('../../server/src/account/build-export');
    const exported = await buildExport(t.db, user.userId);
    expect(exported.passkeys).toEqual([
      expect.objectContaining({ name: 'Erased soon', deviceType: 'singleDevice' }),
    ]);
    expect(JSON.stringify(exported.passkeys)).not.toMatch(/publicKey|credential/i);
    await user.trpc.account.delete.mutate();
    await t.app.runAccountJobs();
    const rows = await t.db
      .selectFrom('passkeys')
      .select('id')
      .where('user_id', '=', user.userId)
      .execute();
    expect(rows).toEqual([]);
    const erased = await t.db
      .selectFrom('users')
      .select('erased_at')
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(erased.erased_at).not.toBeNull();
  });
});
