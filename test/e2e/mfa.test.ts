import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../server/src/crypto/key-ring';
import { ENCRYPTED_COLUMNS } from '../../server/src/crypto/encrypted-columns';
import { reencryptColumns } from '../../server/src/crypto/reencrypt-columns';
import { runCli } from '../support/spawn-server';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';

const PASSWORD = 'a long enough passphrase for mfa';
const step = (offset = 0): number => Math.floor(Date.now() / 30_000) + offset;
const codeAt = (key: Uint8Array, s: number): string => generateHOTP(key, BigInt(s), 6);

describe.each(DATABASE_KINDS)('multi-factor authentication (%s)', (kind) => {
  let mail: MailCapture;
  beforeAll(async () => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({
    kind,
    env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '50' },
    mailTransport: mail,
  }));
  const db = () => t.database.handle.db;

  async function enrolled(
    email: string,
    options?: { verified?: boolean },
  ): Promise<{ client: TestClient; key: Uint8Array; recoveryCodes: string[]; usedStep: number }> {
    const client = createTestClient(t.url);
    await client.trpc.auth.signUp.mutate({ email, password: PASSWORD });
    // Creating an org needs a verified email: follow the mailed link.
    if (options?.verified)
      await client.trpc.auth.verifyEmail.mutate({
        token: tokenFromMail(await mail.waitFor(email, /Confirm your email/)),
      });
    await client.trpc.auth.signIn.mutate({ email, password: PASSWORD });
    const setup = await client.trpc.mfa.totp.begin.mutate();
    const key = decodeBase32IgnorePadding(setup.secret);
    const { recoveryCodes } = await client.trpc.mfa.totp.confirm.mutate({
      code: codeAt(key, step()),
    });
    return { client, key, recoveryCodes, usedStep: step() };
  }

  it('enables TOTP only after a correct code, and returns ten recovery codes once', async () => {
    const { trpc } = createTestClient(t.url);
    await trpc.auth.signUp.mutate({ email: 'enrol@example.com', password: PASSWORD });
    await trpc.auth.signIn.mutate({ email: 'enrol@example.com', password: PASSWORD });
    const setup = await trpc.mfa.totp.begin.mutate();
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/Gatehouse:enrol%40example\.com\?/);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    const key = decodeBase32IgnorePadding(setup.secret);
    const wrong = codeAt(key, step()) === '000000' ? '111111' : '000000';
    expect(await refusal(trpc.mfa.totp.confirm.mutate({ code: wrong }))).toMatchObject({
      reason: 'MFA_INVALID_CODE',
      httpStatus: 401,
    });
    expect((await trpc.auth.me.query()).user.mfaEnabled).toBe(false);
    const { recoveryCodes } = await trpc.mfa.totp.confirm.mutate({ code: codeAt(key, step()) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const me = await trpc.auth.me.query();
    expect(me.user.mfaEnabled).toBe(true);
    expect(me.session?.authLevel).toBe('mfa');
    expect(me.session?.authMethod).toBe('password');
    expect(await refusal(trpc.mfa.totp.begin.mutate())).toMatchObject({
      reason: 'MFA_ALREADY_ENABLED',
    });
  });

  it('needs the second step at sign-in; a replayed code refused, the next not', async () => {
    const { key, usedStep } = await enrolled('twostep@example.com');
    const c = createTestClient(t.url);
    const first = await c.trpc.auth.signIn.mutate({
      email: 'twostep@example.com',
      password: PASSWORD,
    });
    expect(first.status).toBe('mfa_required');
    expect(c.jar.get('gatehouse_session')).toBeUndefined();
    if (first.status !== 'mfa_required') return;
    // The code that enabled MFA was already used: replay refused.
    expect(
      await refusal(
        c.trpc.auth.verifyMfa.mutate({ challenge: first.challenge, code: codeAt(key, usedStep) }),
      ),
    ).toMatchObject({ reason: 'MFA_INVALID_CODE' });
    const signedIn = await c.trpc.auth.verifyMfa.mutate({
      challenge: first.challenge,
      code: codeAt(key, usedStep + 1),
    });
    expect(signedIn.session.authLevel).toBe('mfa');
    expect(c.jar.get('gatehouse_session')).toBeDefined();
    // The challenge is single use.
    expect(
      await refusal(
        c.trpc.auth.verifyMfa.mutate({
          challenge: first.challenge,
          code: codeAt(key, usedStep + 1),
        }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    // The same code in a fresh sign-in is a replay.
    const second = await c.trpc.auth.signIn.mutate({
      email: 'twostep@example.com',
      password: PASSWORD,
    });
    if (second.status !== 'mfa_required') throw new Error('expected a challenge');
    expect(
      await refusal(
        c.trpc.auth.verifyMfa.mutate({
          challenge: second.challenge,
          code: codeAt(key, usedStep + 1),
        }),
      ),
    ).toMatchObject({ reason: 'MFA_INVALID_CODE' });
  });

  it('accepts a recovery code once', async () => {
    const { recoveryCodes } = await enrolled('recover@example.com');
    const c = createTestClient(t.url);
    const a = await c.trpc.auth.signIn.mutate({ email: 'recover@example.com', password: PASSWORD });
    if (a.status !== 'mfa_required') throw new Error('expected a challenge');
    const code = recoveryCodes[3] ?? '';
    expect(
      (
        await c.trpc.auth.verifyMfa.mutate({
          challenge: a.challenge,
          recoveryCode: code.toUpperCase(),
        })
      ).status,
    ).toBe('signed_in');
    const b = await c.trpc.auth.signIn.mutate({ email: 'recover@example.com', password: PASSWORD });
    if (b.status !== 'mfa_required') throw new Error('expected a challenge');
    expect(
      await refusal(c.trpc.auth.verifyMfa.mutate({ challenge: b.challenge, recoveryCode: code })),
    ).toMatchObject({ reason: 'MFA_INVALID_CODE' });
    // Stored only as SHA-256: 32 bytes, never the code itself.
    const rows = await db().selectFrom('mfa_recovery_codes').select(['code_hash']).execute();
    for (const r of rows) {
      expect(Buffer.from(r.code_hash)).toHaveLength(32);
      for (const shown of recoveryCodes)
        expect(Buffer.from(r.code_hash).includes(Buffer.from(shown))).toBe(false);
    }
  });

  it('refuses an expired challenge', async () => {
    const { key } = await enrolled('expired-challenge@example.com');
    const c = createTestClient(t.url);
    const a = await c.trpc.auth.signIn.mutate({
      email: 'expired-challenge@example.com',
      password: PASSWORD,
    });
    if (a.status !== 'mfa_required') throw new Error('expected a challenge');
    await db()
      .updateTable('one_time_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('purpose', '=', 'mfa_challenge')
      .where('consumed_at', 'is', null)
      .execute();
    expect(
      await refusal(
        c.trpc.auth.verifyMfa.mutate({ challenge: a.challenge, code: codeAt(key, step(1)) }),
      ),
    ).toMatchObject({ reason: 'TOKEN_EXPIRED' });
  });

  it('step-up procedures refuse a stale session and accept after re-authentication', async () => {
    const { client, key } = await enrolled('stepup@example.com');
    await db()
      .updateTable('sessions')
      .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
      .execute();
    expect(await refusal(client.trpc.mfa.recoveryCodes.regenerate.mutate())).toMatchObject({
      reason: 'REAUTH_REQUIRED',
      httpStatus: 403,
    });
    expect(
      await refusal(
        client.trpc.auth.changePassword.mutate({
          currentPassword: PASSWORD,
          newPassword: 'another long passphrase',
        }),
      ),
    ).toMatchObject({ reason: 'REAUTH_REQUIRED' });
    expect(
      await refusal(
        client.trpc.auth.reauthenticate.mutate({ password: 'not the right one at all' }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    await client.trpc.auth.reauthenticate.mutate({ password: PASSWORD });
    expect((await client.trpc.mfa.recoveryCodes.regenerate.mutate()).recoveryCodes).toHaveLength(
      10,
    );
    await db()
      .updateTable('sessions')
      .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
      .execute();
    await client.trpc.auth.reauthenticate.mutate({ code: codeAt(key, step(1)) });
    expect(await client.trpc.mfa.totp.disable.mutate()).toEqual({ ok: true });
    expect((await client.trpc.auth.me.query()).user.mfaEnabled).toBe(false);
    const c = createTestClient(t.url);
    expect(
      (await c.trpc.auth.signIn.mutate({ email: 'stepup@example.com', password: PASSWORD })).status,
    ).toBe('signed_in');
  });

  it('stores the secret as key-ring ciphertext bound to the user', async () => {
    const { key } = await enrolled('cipher@example.com');
    const user = await db()
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'cipher@example.com')
      .executeTakeFirstOrThrow();
    const row = await db()
      .selectFrom('mfa_totp')
      .select('secret')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const base64Key = Buffer.from(key).toString('base64');
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(base64Key);
    const ring = createKeyRing(t.config.encryptionKeys);
    expect(ring.decrypt(row.secret, `user:${user.id}:totp`)).toBe(base64Key);
    expect(() => ring.decrypt(row.secret, 'user:someone-else:totp')).toThrow();
    expect(() =>
      createKeyRing([
        { id: t.config.encryptionKeys[0]?.id ?? 'dev', key: Buffer.alloc(32, 9) },
      ]).decrypt(row.secret, `user:${user.id}:totp`),
    ).toThrow();
  });

  it('still decrypts after `keys reencrypt` moves the secret to a new key', async () => {
    const { key } = await enrolled('rotate@example.com');
    const user = await db()
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'rotate@example.com')
      .executeTakeFirstOrThrow();
    const old = t.config.encryptionKeys[0];
    if (!old) throw new Error('no key');
    const fresh = { id: 'k2', key: Buffer.alloc(32, 42) };
    const rotated = createKeyRing([fresh, old]);
    if (t.database.url) {
      const env = {
        DATABASE_URL: t.database.url,
        GATEHOUSE_ENCRYPTION_KEYS: [
          `k2:${fresh.key.toString('base64')}`,
          `${old.id}:${old.key.toString('base64')}`,
        ].join(','),
      };
      const cli = await runCli(['keys', 'reencrypt'], env);
      expect(cli.stdout).toContain('mfa_totp.secret:');
      expect(cli.code).toBe(0);
    } else {
      await reencryptColumns(db(), rotated, ENCRYPTED_COLUMNS);
    }
    const row = await db()
      .selectFrom('mfa_totp')
      .select('secret')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\.k2\./);
    // Only the new key is needed now.
    expect(createKeyRing([fresh]).decrypt(row.secret, `user:${user.id}:totp`)).toBe(
      Buffer.from(key).toString('base64'),
    );
    const again = await reencryptColumns(db(), rotated, ENCRYPTED_COLUMNS);
    expect(again.every((r) => r.reencrypted === 0)).toBe(true);
  });

  it('an org requiring MFA refuses a member without it, admits after MFA', async () => {
    const { client: owner } = await enrolled('org-owner-mfa@example.com', { verified: true });
    const org = await owner.trpc.orgs.create.mutate({ name: 'Strict Org' });
    const member = createTestClient(t.url);
    await member.trpc.auth.signUp.mutate({
      email: 'org-member-mfa@example.com',
      password: PASSWORD,
    });
    await member.trpc.auth.signIn.mutate({
      email: 'org-member-mfa@example.com',
      password: PASSWORD,
    });
    await owner.trpc.orgs.members.invite.mutate({
      orgId: org.id,
      email: 'org-member-mfa@example.com',
      role: 'member',
    });
    await member.trpc.orgs.invitations.accept.mutate({
      token: tokenFromMail(await mail.waitFor('org-member-mfa@example.com', /invited/)),
    });
    expect((await member.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
    await owner.trpc.orgs.update.mutate({ orgId: org.id, patch: { requireMfa: true } });
    expect(await refusal(member.trpc.projects.list.query({ orgId: org.id }))).toMatchObject({
      reason: 'MFA_REQUIRED_BY_ORG',
      httpStatus: 403,
    });
    // The owner's session is at level mfa (it confirmed TOTP), so it keeps working.
    expect((await owner.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
    // The member enrols and signs in again with the second factor.
    const setup = await member.trpc.mfa.totp.begin.mutate();
    const key = decodeBase32IgnorePadding(setup.secret);
    await member.trpc.mfa.totp.confirm.mutate({ code: codeAt(key, step()) });
    const fresh = createTestClient(t.url);
    const first = await fresh.trpc.auth.signIn.mutate({
      email: 'org-member-mfa@example.com',
      password: PASSWORD,
    });
    if (first.status !== 'mfa_required') throw new Error('expected a challenge');
    await fresh.trpc.auth.verifyMfa.mutate({
      challenge: first.challenge,
      code: codeAt(key, step(1)),
    });
    expect((await fresh.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
  });
});
