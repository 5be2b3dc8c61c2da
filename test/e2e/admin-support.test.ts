import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NO_PASSWORD_HASH } from '../../server/src/admin/no-password-hash';
import { insertKey } from '../../server/src/api-keys/api-key-queries';
import { mintApiKey } from '../../server/src/api-keys/api-key-token';
import { sha256 } from '../../server/src/crypto/random-token';
import { sweepRetention } from '../../server/src/db/retention-sweep';
import { tokenFromMail } from '../support/mail-capture';
import { TEST_PASSWORD } from '../support/sign-in-user';
import type { SpawnedServer } from '../support/spawn-server';
import { DATABASE_KINDS, REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';
import { signedInOnA, useTwoInstances } from '../support/two-instances';
import { useTestApp } from '../support/use-test-app';

/**
 * Admin support tools (issue 21): create and invite, send a reset link, one
 * user's sessions and keys, ban with a reason and an optional end. Each with
 * its happy path and the attacks: a member, a key instead of a session, a
 * stale step-up, another user's key id, the last admin, oneself, a reused or
 * raced invitation link, and nothing secret in a response or a stored column.
 */

const NEW_PASSWORD = 'a brand new invited passphrase';
const idInput = (id: string): string => encodeURIComponent(JSON.stringify({ id }));
const inADay = (): string => new Date(Date.now() + 86_400_000).toISOString();

describe.each(DATABASE_KINDS)('admin support tools (%s)', (kind) => {
  const t = useTestApp({ kind });
  const db = () => t.db;
  let n = 0;
  /** A unique address per call: mail lookups take the first message to an address. */
  const email = (name: string): string => `${name}-${kind}-${++n}@example.com`;
  const mail = () => {
    const capture = t.mail;
    if (!capture) throw new Error('no mail capture');
    return capture;
  };

  /** A live API key of `userId`, inserted as apiKeys.create would (its secret returned). */
  const keyFor = async (userId: string, scopes: string[]): Promise<{ id: string; key: string }> => {
    const minted = mintApiKey();
    await insertKey(db(), {
      id: minted.id,
      userId,
      orgId: null,
      name: `key-${minted.id.slice(0, 4)}`,
      scopes,
      secretHash: minted.secretHash,
      expiresAt: new Date(Date.now() + 86_400_000),
      createdWithMfa: false,
    });
    return { id: minted.id, key: minted.key };
  };
  const meWithKey = async (key: string): Promise<number> => {
    const res = await fetch(`${t.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.arrayBuffer();
    return res.status;
  };
  const byKey = (key: string) =>
    createTestClient(t.url, { headers: { authorization: `Bearer ${key}` } });
  const signIn = (address: string, password = TEST_PASSWORD) =>
    createTestClient(t.url).trpc.auth.signIn.mutate({ email: address, password });
  const userRow = (id: string) =>
    db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditRows = (action: string, targetId: string) =>
    db()
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id', 'target_id', 'outcome', 'details'])
      .where('action', '=', action)
      .where('target_id', '=', targetId)
      .orderBy('id')
      .execute();
  const inviteTokenFor = async (address: string): Promise<string> =>
    tokenFromMail(await mail().waitFor(address, /Your Gatehouse account is ready/));

  describe('admin.users.create and auth.acceptInvite', () => {
    it('creates an account with no usable password; mails a link, stores its hash', async () => {
      const admin = await t.signIn(email('root-create'), { admin: true });
      const invitee = email('invitee');
      const created = await admin.trpc.admin.users.create.mutate({ email: invitee, name: 'Ivy' });
      expect(created).toMatchObject({
        email: invitee,
        name: 'Ivy',
        role: 'user',
        emailVerified: false,
        lockedAt: null,
        lockKind: null,
      });
      const token = await inviteTokenFor(invitee);
      const message = mail().messages.find((m) => m.to === invitee);
      expect(message?.text).toContain(`/accept-invite?token=${token}`);
      expect(JSON.stringify(created)).not.toMatch(/password|hash|argon|token/i);
      expect(JSON.stringify(created)).not.toContain(token);

      // Every stored column: no password, no token; the token only as its SHA-256.
      const row = await userRow(created.id);
      expect(row.password_hash).toBe(NO_PASSWORD_HASH);
      expect(JSON.stringify(row)).not.toContain(token);
      const tokens = await db()
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('user_id', '=', created.id)
        .execute();
      expect(tokens).toHaveLength(1);
      const stored = tokens[0]!;
      expect(stored.purpose).toBe('account_invite');
      expect(Buffer.from(stored.token_hash).equals(sha256(token))).toBe(true);
      const dumped = JSON.stringify(tokens, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('base64url') : v,
      );
      expect(dumped).not.toContain(token);
      const ttl = new Date(stored.expires_at).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(7 * 86_400_000 - 120_000);
      expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);
      const [audit] = await auditRows('admin.user.create', created.id);
      expect(audit).toMatchObject({ actor_type: 'user', actor_id: admin.userId });

      // The marker never verifies, whatever is tried (the marker itself included).
      for (const attempt of [NO_PASSWORD_HASH, '', 'no-password', TEST_PASSWORD])
        expect(await t.app.deps.passwords.verify(NO_PASSWORD_HASH, attempt)).toBe(false);
      for (const attempt of [NO_PASSWORD_HASH, TEST_PASSWORD])
        expect(await refusal(signIn(invitee, attempt))).toMatchObject({
          reason: 'INVALID_CREDENTIALS',
        });

      // The owner sets the password from the link: email verified, audited as the owner.
      await createTestClient(t.url).trpc.auth.acceptInvite.mutate({
        token,
        password: NEW_PASSWORD,
      });
      const signedIn = await signIn(invitee, NEW_PASSWORD);
      expect(signedIn.status).toBe('signed_in');
      if (signedIn.status === 'signed_in') expect(signedIn.user.emailVerified).toBe(true);
      expect((await userRow(created.id)).password_hash).toMatch(/^\$argon2id\$/);
      const [accepted] = await auditRows('auth.accept_invite', created.id);
      expect(accepted).toMatchObject({ actor_type: 'user', actor_id: created.id });

      // The link works once.
      expect(
        await refusal(
          createTestClient(t.url).trpc.auth.acceptInvite.mutate({
            token,
            password: 'another fresh passphrase here',
          }),
        ),
      ).toMatchObject({ reason: 'TOKEN_INVALID', httpStatus: 400 });
      expect((await signIn(invitee, NEW_PASSWORD)).status).toBe('signed_in');
    });

    it('an existing email answers CONFLICT and writes nothing', async () => {
      const admin = await t.signIn(email('root-conflict'), { admin: true });
      const existing = await t.signIn(email('existing'));
      const before = await userRow(existing.userId);
      const mails = mail().messages.length;
      expect(
        await refusal(admin.trpc.admin.users.create.mutate({ email: before.email })),
      ).toMatchObject({ reason: 'CONFLICT', httpStatus: 409 });
      expect(await userRow(existing.userId)).toEqual(before);
      expect(
        await db()
          .selectFrom('one_time_tokens')
          .select('purpose')
          .where('user_id', '=', existing.userId)
          .where('purpose', '=', 'account_invite')
          .execute(),
      ).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
      expect(
        mail()
          .messages.slice(mails)
          .filter((m) => m.to === before.email),
      ).toEqual([]);
    });

    it('creating an admin needs a fresh step-up session, never a key', async () => {
      const admin = await t.signIn(email('root-step'), { admin: true });
      const key = await keyFor(admin.userId, ['user:manage', 'user:read']);
      const target = email('would-be-admin');
      // An admin's API key, not a session: SESSION_REQUIRED, nothing created.
      expect(
        await refusal(
          byKey(key.key).trpc.admin.users.create.mutate({ email: target, role: 'admin' }),
        ),
      ).toMatchObject({ reason: 'SESSION_REQUIRED', httpStatus: 403 });
      // A session whose last proof is older than the step-up window: REAUTH_REQUIRED.
      await db()
        .updateTable('sessions')
        .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
        .where('user_id', '=', admin.userId)
        .execute();
      await t.app.deps.sessions.forgetUser(admin.userId);
      expect(
        await refusal(admin.trpc.admin.users.create.mutate({ email: target, role: 'admin' })),
      ).toMatchObject({ reason: 'REAUTH_REQUIRED', httpStatus: 403 });
      expect(
        await db().selectFrom('users').select('id').where('email', '=', target).execute(),
      ).toEqual([]);
      // After re-authenticating, the admin is created, and can act once the invite is accepted.
      await admin.trpc.auth.reauthenticate.mutate({ password: TEST_PASSWORD });
      const created = await admin.trpc.admin.users.create.mutate({ email: target, role: 'admin' });
      expect(created.role).toBe('admin');
      await createTestClient(t.url).trpc.auth.acceptInvite.mutate({
        token: await inviteTokenFor(target),
        password: NEW_PASSWORD,
      });
      const invited = createTestClient(t.url);
      await invited.trpc.auth.signIn.mutate({ email: target, password: NEW_PASSWORD });
      expect((await invited.trpc.admin.users.get.query({ id: created.id })).role).toBe('admin');
    });

    it('two concurrent acceptInvite with one token: exactly one wins', async () => {
      const admin = await t.signIn(email('root-race'), { admin: true });
      const invitee = email('racer');
      const created = await admin.trpc.admin.users.create.mutate({ email: invitee });
      const token = await inviteTokenFor(invitee);
      const passwords = ['first racing passphrase ok', 'second racing passphrase ok'];
      const results = await Promise.allSettled(
        passwords.map((password) =>
          createTestClient(t.url).trpc.auth.acceptInvite.mutate({ token, password }),
        ),
      );
      const won = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results[1 - won];
      expect(lost?.status).toBe('rejected');
      expect(await refusal(Promise.reject((lost as PromiseRejectedResult).reason))).toMatchObject({
        reason: 'TOKEN_INVALID',
      });
      expect(await auditRows('auth.accept_invite', created.id)).toHaveLength(1);
      expect((await signIn(invitee, passwords[won])).status).toBe('signed_in');
      expect(await refusal(signIn(invitee, passwords[1 - won]))).toMatchObject({
        reason: 'INVALID_CREDENTIALS',
      });
    });

    it('refuses a weak password (link stays usable), a forged or an expired token', async () => {
      const admin = await t.signIn(email('root-policy'), { admin: true });
      const invitee = email('policy');
      const created = await admin.trpc.admin.users.create.mutate({ email: invitee });
      const token = await inviteTokenFor(invitee);
      const anon = createTestClient(t.url).trpc;
      expect(
        await refusal(anon.auth.acceptInvite.mutate({ token, password: 'short' })),
      ).toMatchObject({ reason: 'PASSWORD_TOO_SHORT' });
      expect(
        await refusal(anon.auth.acceptInvite.mutate({ token, password: '1qaz2wsx3edc4rfv' })),
      ).toMatchObject({ reason: 'PASSWORD_TOO_COMMON' });
      expect(
        await refusal(
          anon.auth.acceptInvite.mutate({ token, password: `my ${invitee.split('@')[0]} secret` }),
        ),
      ).toMatchObject({ reason: 'PASSWORD_CONTAINS_EMAIL' });
      expect(
        await refusal(
          anon.auth.acceptInvite.mutate({ token: 'A'.repeat(43), password: NEW_PASSWORD }),
        ),
      ).toMatchObject({ reason: 'TOKEN_INVALID' });
      // A password-reset token is not an invitation.
      await admin.trpc.admin.users.sendReset.mutate({ id: created.id });
      const reset = tokenFromMail(await mail().waitFor(invitee, /Reset your password/));
      expect(
        await refusal(anon.auth.acceptInvite.mutate({ token: reset, password: NEW_PASSWORD })),
      ).toMatchObject({ reason: 'TOKEN_INVALID' });
      await db()
        .updateTable('one_time_tokens')
        .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
        .where('token_hash', '=', sha256(token))
        .execute();
      expect(
        await refusal(anon.auth.acceptInvite.mutate({ token, password: NEW_PASSWORD })),
      ).toMatchObject({ reason: 'TOKEN_EXPIRED' });
      expect((await userRow(created.id)).password_hash).toBe(NO_PASSWORD_HASH);
    });
  });

  describe('admin.users.sendReset', () => {
    it('mails the user the same reset link auth.requestPasswordReset does, audited', async () => {
      const admin = await t.signIn(email('root-reset'), { admin: true });
      const target = await t.signIn(email('forgetful'));
      const address = (await userRow(target.userId)).email;
      expect(await admin.trpc.admin.users.sendReset.mutate({ id: target.userId })).toEqual({
        ok: true,
      });
      const token = tokenFromMail(await mail().waitFor(address, /Reset your password/));
      const [audit] = await auditRows('admin.user.send_reset', target.userId);
      expect(audit).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
      const stored = await db()
        .selectFrom('one_time_tokens')
        .select(['purpose', 'expires_at'])
        .where('token_hash', '=', sha256(token))
        .executeTakeFirstOrThrow();
      expect(stored.purpose).toBe('password_reset');
      expect(new Date(stored.expires_at).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
      await createTestClient(t.url).trpc.auth.resetPassword.mutate({
        token,
        newPassword: NEW_PASSWORD,
      });
      expect((await signIn(address, NEW_PASSWORD)).status).toBe('signed_in');
      expect(
        await refusal(
          admin.trpc.admin.users.sendReset.mutate({ id: '00000000-0000-4000-8000-000000000000' }),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND', httpStatus: 404 });
    });
  });

  describe("one user's sessions and API keys", () => {
    it('lists sessions and keys without a secret or hash; unknown id is NOT_FOUND', async () => {
      const admin = await t.signIn(email('root-list'), { admin: true });
      const target = await t.signIn(email('listed'));
      const address = (await userRow(target.userId)).email;
      await signIn(address);
      const key = await keyFor(target.userId, ['self:read']);
      const { sessions } = await admin.trpc.admin.users.listSessions.query({ id: target.userId });
      expect(sessions).toHaveLength(2);
      for (const s of sessions) {
        expect(Object.keys(s).sort()).toEqual(
          [
            'authLevel',
            'authMethod',
            'createdAt',
            'current',
            'expiresAt',
            'id',
            'ip',
            'lastUsedAt',
            'userAgent',
          ].sort(),
        );
        expect(s.current).toBe(false);
      }
      const { apiKeys } = await admin.trpc.admin.users.listApiKeys.query({ id: target.userId });
      expect(apiKeys.map((k) => k.id)).toEqual([key.id]);
      const raw = await admin.jar.fetch(
        `${t.url}/trpc/admin.users.listSessions?input=${idInput(target.userId)}`,
      );
      const rawKeys = await admin.jar.fetch(
        `${t.url}/trpc/admin.users.listApiKeys?input=${idInput(target.userId)}`,
      );
      const text = (await raw.text()) + (await rawKeys.text());
      expect(text).not.toMatch(/secret|hash|gth_/i);
      expect(text).not.toContain(key.key);
      // The session token is `id.secret`: the id is listed, the secret never.
      const secret = target.jar.get('gatehouse_session')?.split('.')[1] ?? '';
      expect(secret.length).toBeGreaterThan(20);
      expect(text).not.toContain(secret);
      const unknown = { id: '00000000-0000-4000-8000-000000000000' };
      expect(await refusal(admin.trpc.admin.users.listSessions.query(unknown))).toMatchObject({
        reason: 'NOT_FOUND',
      });
      expect(await refusal(admin.trpc.admin.users.listApiKeys.query(unknown))).toMatchObject({
        reason: 'NOT_FOUND',
      });
    });

    it("revokes one key of that user; another's key id is NOT_FOUND, still works", async () => {
      const admin = await t.signIn(email('root-revoke'), { admin: true });
      const target = await t.signIn(email('key-owner'));
      const other = await t.signIn(email('key-bystander'));
      const key = await keyFor(target.userId, ['self:read']);
      const othersKey = await keyFor(other.userId, ['self:read']);
      expect(await meWithKey(key.key)).toBe(200);
      expect(await meWithKey(othersKey.key)).toBe(200);

      expect(
        await refusal(
          admin.trpc.admin.users.revokeApiKey.mutate({
            userId: target.userId,
            keyId: othersKey.id,
          }),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND', httpStatus: 404 });
      expect(await meWithKey(othersKey.key)).toBe(200);
      const othersRow = await db()
        .selectFrom('api_keys')
        .select('revoked_at')
        .where('id', '=', othersKey.id)
        .executeTakeFirstOrThrow();
      expect(othersRow.revoked_at).toBeNull();

      await admin.trpc.admin.users.revokeApiKey.mutate({ userId: target.userId, keyId: key.id });
      expect(await meWithKey(key.key)).toBe(401);
      const [audit] = await auditRows('admin.user.revoke_api_key', key.id);
      expect(audit).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
      expect(audit?.details).toMatchObject({ userId: target.userId });
      // Revoked already: nothing left to revoke.
      expect(
        await refusal(
          admin.trpc.admin.users.revokeApiKey.mutate({ userId: target.userId, keyId: key.id }),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND' });
    });
  });

  describe('admin.users.ban and unban', () => {
    it('a ban stops session and key at once; ACCOUNT_BANNED without the reason', async () => {
      const admin = await t.signIn(email('root-ban'), { admin: true });
      const target = await t.signIn(email('banned'));
      const address = (await userRow(target.userId)).email;
      const key = await keyFor(target.userId, ['self:read']);
      expect(await meWithKey(key.key)).toBe(200);
      expect((await target.trpc.auth.me.query()).user.id).toBe(target.userId);

      const until = inADay();
      const reason = 'Posted spam links in project descriptions';
      const banned = await admin.trpc.admin.users.ban.mutate({
        id: target.userId,
        reason,
        expiresAt: until,
      });
      expect(banned).toMatchObject({
        lockKind: 'ban',
        lockReason: reason,
        lockExpiresAt: new Date(until).toISOString(),
        lockedBy: admin.userId,
      });
      expect(banned.lockedAt).not.toBeNull();
      expect(await admin.trpc.admin.users.get.query({ id: target.userId })).toEqual(banned);

      expect(await refusal(target.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
      expect(await meWithKey(key.key)).toBe(401);
      const answer = await refusal(signIn(address));
      expect(answer).toMatchObject({ reason: 'ACCOUNT_BANNED', httpStatus: 403 });
      expect(answer.message).toContain(new Date(until).toISOString());
      expect(answer.message).not.toMatch(/spam/i);
      // A wrong password learns nothing of the ban.
      expect(await refusal(signIn(address, 'not the right passphrase'))).toMatchObject({
        reason: 'INVALID_CREDENTIALS',
      });
      const [audit] = await auditRows('admin.user.ban', target.userId);
      expect(audit).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
      expect(audit?.details).toMatchObject({ reason, expiresAt: new Date(until).toISOString() });

      // Unban: every lock column cleared, sign-in and the key work again.
      const lifted = await admin.trpc.admin.users.unban.mutate({ id: target.userId });
      expect(lifted).toMatchObject({
        lockedAt: null,
        lockKind: null,
        lockReason: null,
        lockExpiresAt: null,
        lockedBy: null,
      });
      const row = await userRow(target.userId);
      expect([
        row.locked_at,
        row.lock_kind,
        row.lock_reason,
        row.lock_expires_at,
        row.locked_by,
      ]).toEqual([null, null, null, null, null]);
      expect((await signIn(address)).status).toBe('signed_in');
      expect(await meWithKey(key.key)).toBe(200);
      expect(await auditRows('admin.user.unban', target.userId)).toHaveLength(1);
      expect(
        await refusal(admin.trpc.admin.users.unban.mutate({ id: target.userId })),
      ).toMatchObject({
        reason: 'CONFLICT',
        httpStatus: 409,
      });
    });

    it('a ban without an end says so; an admin lock is ACCOUNT_LOCKED, not unbanned', async () => {
      const admin = await t.signIn(email('root-ban2'), { admin: true });
      const target = await t.signIn(email('banned-forever'));
      const address = (await userRow(target.userId)).email;
      const banned = await admin.trpc.admin.users.ban.mutate({
        id: target.userId,
        reason: 'fraud',
      });
      expect(banned.lockExpiresAt).toBeNull();
      const answer = await refusal(signIn(address));
      expect(answer).toMatchObject({ reason: 'ACCOUNT_BANNED', message: 'This account is banned' });

      // An admin lock replaces the ban: kind admin, no reason, no end.
      const locked = await admin.trpc.admin.users.lock.mutate({ id: target.userId });
      expect(locked).toMatchObject({ lockKind: 'admin', lockReason: null, lockExpiresAt: null });
      expect(await refusal(signIn(address))).toMatchObject({ reason: 'ACCOUNT_LOCKED' });
      expect(
        await refusal(admin.trpc.admin.users.unban.mutate({ id: target.userId })),
      ).toMatchObject({
        reason: 'CONFLICT',
      });
      expect(
        (await admin.trpc.admin.users.unlock.mutate({ id: target.userId })).lockKind,
      ).toBeNull();
      expect((await signIn(address)).status).toBe('signed_in');
    });

    it('refuses an end in the past, an empty or too long reason', async () => {
      const admin = await t.signIn(email('root-ban3'), { admin: true });
      const target = await t.signIn(email('ban-input'));
      const before = await userRow(target.userId);
      const ban = (input: { reason: string; expiresAt?: string }) =>
        refusal(admin.trpc.admin.users.ban.mutate({ id: target.userId, ...input }));
      expect(
        await ban({ reason: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() }),
      ).toMatchObject({ reason: 'VALIDATION_FAILED' });
      expect(await ban({ reason: '' })).toMatchObject({ reason: 'VALIDATION_FAILED' });
      expect(await ban({ reason: 'x'.repeat(501) })).toMatchObject({ reason: 'VALIDATION_FAILED' });
      expect(await userRow(target.userId)).toEqual(before);
    });

    it('a ban whose end passed lets sign-in through, lifted as the system', async () => {
      const admin = await t.signIn(email('root-expired'), { admin: true });
      const target = await t.signIn(email('time-served'));
      const address = (await userRow(target.userId)).email;
      await admin.trpc.admin.users.ban.mutate({
        id: target.userId,
        reason: 'cool off',
        expiresAt: inADay(),
      });
      expect(await refusal(signIn(address))).toMatchObject({ reason: 'ACCOUNT_BANNED' });
      await db()
        .updateTable('users')
        .set({ lock_expires_at: sql<Date>`now() - interval '1 second'` })
        .where('id', '=', target.userId)
        .execute();
      expect((await signIn(address)).status).toBe('signed_in');
      const row = await userRow(target.userId);
      expect([row.locked_at, row.lock_kind, row.lock_reason, row.lock_expires_at]).toEqual([
        null,
        null,
        null,
        null,
      ]);
      const [lift] = await auditRows('admin.user.unban', target.userId);
      expect(lift).toMatchObject({ actor_type: 'system', actor_id: null });
      expect(lift?.details).toMatchObject({ cause: 'expired' });
    });

    it('the retention sweep lifts bans whose end passed, once, as the system', async () => {
      const admin = await t.signIn(email('root-sweep'), { admin: true });
      const ended = await t.signIn(email('sweep-ended'));
      const running = await t.signIn(email('sweep-running'));
      await admin.trpc.admin.users.ban.mutate({
        id: ended.userId,
        reason: 'a',
        expiresAt: inADay(),
      });
      await admin.trpc.admin.users.ban.mutate({
        id: running.userId,
        reason: 'b',
        expiresAt: inADay(),
      });
      await db()
        .updateTable('users')
        .set({ lock_expires_at: sql<Date>`now() - interval '1 minute'` })
        .where('id', '=', ended.userId)
        .execute();
      const log = pino({ level: 'silent' });
      const [first, second] = await Promise.all([
        sweepRetention(db(), log),
        sweepRetention(db(), log),
      ]);
      expect((first?.expired_bans ?? 0) + (second?.expired_bans ?? 0)).toBe(1);
      expect((await userRow(ended.userId)).lock_kind).toBeNull();
      expect((await userRow(running.userId)).lock_kind).toBe('ban');
      const lifts = await auditRows('admin.user.unban', ended.userId);
      expect(lifts).toHaveLength(1);
      expect(lifts[0]).toMatchObject({ actor_type: 'system', actor_id: null });
    });

    it('the second-factor step answers ACCOUNT_BANNED too', async () => {
      const { decodeBase32IgnorePadding } = await import('@oslojs/encoding');
      const { generateHOTP } = await import('@oslojs/otp');
      const admin = await t.signIn(email('root-mfa'), { admin: true });
      const target = await t.signIn(email('mfa-banned'));
      const address = (await userRow(target.userId)).email;
      const setup = await target.trpc.mfa.totp.begin.mutate();
      const secret = decodeBase32IgnorePadding(setup.secret);
      const { recoveryCodes } = await target.trpc.mfa.totp.confirm.mutate({
        code: generateHOTP(secret, BigInt(Math.floor(Date.now() / 30_000)), 6),
      });
      const step = await signIn(address);
      expect(step.status).toBe('mfa_required');
      await admin.trpc.admin.users.ban.mutate({ id: target.userId, reason: 'abuse' });
      if (step.status !== 'mfa_required') return;
      const answer = await refusal(
        createTestClient(t.url).trpc.auth.verifyMfa.mutate({
          challenge: step.challenge,
          recoveryCode: recoveryCodes[0]!,
        }),
      );
      expect(answer).toMatchObject({ reason: 'ACCOUNT_BANNED', httpStatus: 403 });
      expect(answer.message).not.toMatch(/abuse/);
    });

    it('refuses banning oneself and the last active administrator', async () => {
      // Start from exactly two admins.
      await db().updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').execute();
      const a = await t.signIn(email('ban-duo-a'), { admin: true });
      const b = await t.signIn(email('ban-duo-b'), { admin: true });
      expect(
        await refusal(a.trpc.admin.users.ban.mutate({ id: a.userId, reason: 'me' })),
      ).toMatchObject({
        reason: 'FORBIDDEN',
        httpStatus: 403,
      });
      expect((await userRow(a.userId)).locked_at).toBeNull();
      // Both at once: the admin rows are locked in the transaction, so one ban wins and the other
      // finds no other active administrator (LAST_ADMIN), or its caller is already signed out.
      const results = await Promise.allSettled([
        a.trpc.admin.users.ban.mutate({ id: b.userId, reason: 'duel' }),
        b.trpc.admin.users.ban.mutate({ id: a.userId, reason: 'duel' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const active = await db()
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('locked_at', 'is', null)
        .execute();
      expect(active).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(['LAST_ADMIN', 'SESSION_INVALID', 'UNAUTHENTICATED']).toContain(
        (await refusal(Promise.reject(loser.reason))).reason,
      );
      // The survivor, as the only active admin: a stale request of the banned one (authenticated
      // just before the ban) reaches the service, which refuses with LAST_ADMIN.
      const survivor = active[0]!.id;
      const banned = survivor === a.userId ? b : a;
      const { banUser } = await import('../../server/src/admin/ban-user');
      const { RequestAudit } = await import('../../server/src/audit/request-audit');
      const principal = {
        kind: 'session' as const,
        userId: banned.userId,
        email: 'stale@example.com',
        role: 'admin' as const,
        permissions: new Set(['user:manage' as const]),
        scopes: undefined,
        emailVerified: true,
        sessionId: undefined,
        apiKeyId: undefined,
        orgId: undefined,
        authLevel: 'password' as const,
        reauthenticatedAt: new Date(),
      };
      const audit = new RequestAudit(t.app.deps.audit, {
        principal,
        ip: '127.0.0.1',
        requestId: 'stale-request',
        log: pino({ level: 'silent' }),
      });
      await expect(
        banUser({ deps: t.app.deps, principal, audit }, { id: survivor, reason: 'x' }),
      ).rejects.toMatchObject({ reason: 'LAST_ADMIN' });
      expect((await userRow(survivor)).locked_at).toBeNull();
    });
  });

  it('a member calling any new admin procedure gets 403 FORBIDDEN, nothing changes', async () => {
    const member = await t.signIn(email('member'));
    const target = await t.signIn(email('bystander'));
    const key = await keyFor(target.userId, ['self:read']);
    const before = await userRow(target.userId);
    const tokensBefore = await db()
      .selectFrom('one_time_tokens')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const mails = mail().messages.length;
    const calls: [string, () => Promise<unknown>][] = [
      ['create', () => member.trpc.admin.users.create.mutate({ email: email('never') })],
      ['sendReset', () => member.trpc.admin.users.sendReset.mutate({ id: target.userId })],
      ['listSessions', () => member.trpc.admin.users.listSessions.query({ id: target.userId })],
      ['listApiKeys', () => member.trpc.admin.users.listApiKeys.query({ id: target.userId })],
      [
        'revokeApiKey',
        () => member.trpc.admin.users.revokeApiKey.mutate({ userId: target.userId, keyId: key.id }),
      ],
      ['ban', () => member.trpc.admin.users.ban.mutate({ id: target.userId, reason: 'x' })],
      ['unban', () => member.trpc.admin.users.unban.mutate({ id: target.userId })],
    ];
    for (const [name, call] of calls)
      expect(await refusal(call()), name).toMatchObject({ reason: 'FORBIDDEN', httpStatus: 403 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await userRow(target.userId)).toEqual(before);
    expect(await meWithKey(key.key)).toBe(200);
    expect((await target.trpc.auth.me.query()).user.id).toBe(target.userId);
    expect(
      await db()
        .selectFrom('one_time_tokens')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual(tokensBefore);
    expect(mail().messages.length).toBe(mails);
    // Anonymous: 401; acceptInvite is the only public one.
    const anonymous = await fetch(
      `${t.url}/trpc/admin.users.listSessions?input=${idInput(target.userId)}`,
    );
    expect(anonymous.status).toBe(401);
  });
});

/**
 * Two server processes on one database and one Redis: a key revoked, or a user banned, by an
 * administrator on A stops on B, which had just served the key from its cache, within a second
 * (through the revocation bus, not B's cache expiring: 10 s with Redis).
 */
describe.runIf(TEST_DATABASE_URL && REDIS_URL)('admin support tools across two instances', () => {
  const pair = useTwoInstances('admin_support');
  const REACH_MS = 1_000;
  const CACHE_TTL_MS = 10_000;
  const post = async (
    server: SpawnedServer,
    path: string,
    body: unknown,
    cookie: string,
  ): Promise<{ status: number; data: unknown }> => {
    const res = await fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { result?: { data: unknown } };
    return { status: res.status, data: json.result?.data };
  };
  const meOnB = async (key: string): Promise<number> => {
    const res = await fetch(`${pair.b.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.arrayBuffer();
    return res.status;
  };
  const keyOf = async (cookie: string): Promise<{ key: string; id: string }> => {
    const created = await post(
      pair.a,
      'apiKeys.create',
      {
        name: 'support',
        scopes: ['self:read'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      cookie,
    );
    expect(created.status).toBe(200);
    const { key, apiKey } = created.data as { key: string; apiKey: { id: string } };
    return { key, id: apiKey.id };
  };
  const refusedOnBAfter = async (key: string, act: () => Promise<void>): Promise<number> => {
    expect(await meOnB(key)).toBe(200);
    const cachedBefore = Date.now();
    await act();
    const actedAt = Date.now();
    let status = await meOnB(key);
    while (status === 200 && Date.now() - cachedBefore < CACHE_TTL_MS) {
      await new Promise((r) => setTimeout(r, 10));
      status = await meOnB(key);
    }
    expect(status).toBe(401);
    return Date.now() - actedAt;
  };

  it('admin.users.revokeApiKey on A stops the key cached on B within a second', async () => {
    const admin = await signedInOnA(pair, 'two-admin@example.com', { admin: true });
    const owner = await signedInOnA(pair, 'two-owner@example.com');
    const { key, id } = await keyOf(owner.cookie);
    const took = await refusedOnBAfter(key, async () => {
      const answer = await post(
        pair.a,
        'admin.users.revokeApiKey',
        { userId: owner.id, keyId: id },
        admin.cookie,
      );
      expect(answer.status).toBe(200);
    });
    expect(took).toBeLessThan(REACH_MS);
  });

  it("admin.users.ban on A stops the banned user's key cached on B within a second", async () => {
    const admin = await signedInOnA(pair, 'two-banner@example.com', { admin: true });
    const owner = await signedInOnA(pair, 'two-banned@example.com');
    const { key } = await keyOf(owner.cookie);
    const took = await refusedOnBAfter(key, async () => {
      const answer = await post(
        pair.a,
        'admin.users.ban',
        { id: owner.id, reason: 'abuse' },
        admin.cookie,
      );
      expect(answer.status).toBe(200);
    });
    expect(took).toBeLessThan(REACH_MS);
  });
});
