import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertKey } from '../../server/src/api-keys/api-key-queries';
import { mintApiKey } from '../../server/src/api-keys/api-key-token';
import { appendAuditEvent } from '../../server/src/audit/audit-writer';
import { canonicalJson } from '../../server/src/audit/canonical-json';
import { verifyAuditChain } from '../../server/src/audit/verify-audit-chain';
import { sha256 } from '../../server/src/crypto/random-token';
import { createMigrator } from '../../server/src/db/migrator';
import type { SpawnedServer } from '../support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { DATABASE_KINDS, REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { signedInOnA, useTwoInstances } from '../support/two-instances';
import { useTestApp } from '../support/use-test-app';

/**
 * The attacks issue 21 names against impersonation, and the team's cross-cutting invariants:
 * impersonating an admin (or oneself, or a locked account), a key instead of a session, a stale
 * step-up, one impersonation starting another, a mutation without the grant (also in an org
 * procedure), a step-up or secret-minting procedure even with the grant, no secret at rest,
 * the audit chain across 0016, and revocation reaching a second instance.
 */

const COOKIE = 'gatehouse_session';
const REASON = 'Support ticket 90210: checking a billing question';

describe.each(DATABASE_KINDS)('impersonation attacks (%s)', (kind) => {
  const t = useTestApp({ kind });
  const db = () => t.db;
  let n = 0;
  const email = (name: string): string => `${name}-impatk-${kind}-${++n}@example.com`;

  const keyFor = async (userId: string, scopes: string[]): Promise<string> => {
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
    return minted.key;
  };
  const userRow = (id: string) =>
    db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Every trace a start would leave: impersonation sessions, audit rows, mail to the target. */
  const tracesFor = async (targetId: string, targetEmail: string) => ({
    sessions: await db()
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', targetId)
      .where('impersonator_id', 'is not', null)
      .execute(),
    audit: await db()
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'admin.user.impersonate')
      .where('target_id', '=', targetId)
      .execute(),
    mail: await db()
      .selectFrom('mail_outbox')
      .select('id')
      .where('kind', '=', 'admin_impersonation')
      .where('to_address', '=', targetEmail)
      .execute(),
  });
  const noTraces = { sessions: [], audit: [], mail: [] };
  const start = (client: TestClient, userId: string, extra: Record<string, unknown> = {}) =>
    client.trpc.admin.impersonation.start.mutate({ userId, reason: REASON, ...extra });
  const impersonating = async (options: { allowWrites?: boolean } = {}) => {
    const admin = await t.signIn(email('admin'), { admin: true });
    const userEmail = email('user');
    const user = await t.signIn(userEmail);
    const started = await start(admin, user.userId, options);
    return { admin, user, userEmail, support: admin, started };
  };

  describe('who may start one', () => {
    it('never against another admin: 403 FORBIDDEN, no session, no row, no mail', async () => {
      const admin = await t.signIn(email('admin'), { admin: true });
      const otherEmail = email('other-admin');
      const other = await t.signIn(otherEmail, { admin: true });
      expect(await refusal(start(admin, other.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'FORBIDDEN',
        message: 'Administrators cannot be impersonated',
      });
      expect(await tracesFor(other.userId, otherEmail)).toEqual(noTraces);
      // The admin's own session is untouched (still an admin session, not someone else's).
      expect((await admin.trpc.auth.me.query()).user.id).toBe(admin.userId);
    });

    it('never oneself; never a locked, banned or erased account (409 CONFLICT)', async () => {
      const adminEmail = email('admin');
      const admin = await t.signIn(adminEmail, { admin: true });
      expect(await refusal(start(admin, admin.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'FORBIDDEN',
      });
      for (const [kindOfLock, message] of [
        ['admin', 'This account is locked'],
        ['ban', 'This account is banned'],
        ['erased', 'This account has been erased'],
      ] as const) {
        const targetEmail = email(`locked-${kindOfLock}`);
        const target = await t.signIn(targetEmail);
        await db()
          .updateTable('users')
          .set({ locked_at: new Date(), lock_kind: kindOfLock })
          .where('id', '=', target.userId)
          .execute();
        expect(await refusal(start(admin, target.userId))).toMatchObject({
          httpStatus: 409,
          reason: 'CONFLICT',
          message,
        });
        expect(await tracesFor(target.userId, targetEmail)).toEqual(noTraces);
      }
      expect(await refusal(start(admin, '00000000-0000-4000-8000-000000000000'))).toMatchObject({
        httpStatus: 404,
        reason: 'NOT_FOUND',
      });
    });

    it("a key instead of a session: the admin's user:manage key: SESSION_REQUIRED", async () => {
      const admin = await t.signIn(email('admin'), { admin: true });
      const targetEmail = email('user');
      const target = await t.signIn(targetEmail);
      const key = await keyFor(admin.userId, ['user:manage', 'user:read']);
      const byKey = createTestClient(t.url, { headers: { authorization: `Bearer ${key}` } });
      expect(await refusal(start(byKey, target.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'SESSION_REQUIRED',
      });
      expect(await tracesFor(target.userId, targetEmail)).toEqual(noTraces);
    });

    it('a stale step-up: REAUTH_REQUIRED, nothing started', async () => {
      const admin = await t.signIn(email('admin'), { admin: true });
      const targetEmail = email('user');
      const target = await t.signIn(targetEmail);
      await db()
        .updateTable('sessions')
        .set({ reauthenticated_at: new Date(Date.now() - 3_600_000) })
        .where('user_id', '=', admin.userId)
        .execute();
      await t.app.deps.sessions.forgetUser(admin.userId);
      expect(await refusal(start(admin, target.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'REAUTH_REQUIRED',
      });
      expect(await tracesFor(target.userId, targetEmail)).toEqual(noTraces);
    });

    it('a member: 403 FORBIDDEN; bad reason or duration: 400 VALIDATION_FAILED', async () => {
      const member = await t.signIn(email('member'));
      const admin = await t.signIn(email('admin'), { admin: true });
      const targetEmail = email('user');
      const target = await t.signIn(targetEmail);
      expect(await refusal(start(member, target.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'FORBIDDEN',
      });
      for (const bad of [{ reason: 'too short' }, { minutes: 61 }, { minutes: 0 }]) {
        expect(await refusal(start(admin, target.userId, bad))).toMatchObject({
          httpStatus: 400,
          reason: 'VALIDATION_FAILED',
        });
      }
      expect(await tracesFor(target.userId, targetEmail)).toEqual(noTraces);
    });

    it('an impersonation cannot start another (the user holds no user:manage)', async () => {
      const { support, user } = await impersonating({ allowWrites: true });
      const thirdEmail = email('third');
      const third = await t.signIn(thirdEmail);
      expect(await refusal(start(support, third.userId))).toMatchObject({
        httpStatus: 403,
        reason: 'FORBIDDEN',
      });
      expect(await tracesFor(third.userId, thirdEmail)).toEqual(noTraces);
      // Nor read another user's data as an admin would.
      expect(await refusal(support.trpc.admin.users.get.query({ id: third.userId }))).toMatchObject(
        { httpStatus: 403, reason: 'FORBIDDEN' },
      );
      expect((await support.trpc.auth.me.query()).user.id).toBe(user.userId);
    });
  });

  describe('least privilege during an impersonation', () => {
    it('a mutation without the grant: 403 IMPERSONATION_READ_ONLY, nothing changes', async () => {
      const { admin, user, support } = await impersonating();
      const org = await user.trpc.orgs.create.mutate({ name: `Org ${n}` });
      const before = await userRow(user.userId);

      expect(
        await refusal(support.trpc.account.updateProfile.mutate({ name: 'Changed by support' })),
      ).toMatchObject({ httpStatus: 403, reason: 'IMPERSONATION_READ_ONLY' });
      expect((await userRow(user.userId)).name).toBe(before.name);

      expect(await refusal(support.trpc.sessions.revokeOthers.mutate())).toMatchObject({
        httpStatus: 403,
        reason: 'IMPERSONATION_READ_ONLY',
      });
      expect((await user.trpc.auth.me.query()).user.id).toBe(user.userId);

      // An org procedure obeys the same rule (the pipeline's step runs before the org step).
      expect(
        await refusal(support.trpc.projects.create.mutate({ orgId: org.id, name: 'Sneaky' })),
      ).toMatchObject({ httpStatus: 403, reason: 'IMPERSONATION_READ_ONLY' });
      const projects = await db()
        .selectFrom('projects')
        .select('id')
        .where('org_id', '=', org.id)
        .execute();
      expect(projects).toEqual([]);

      // Queries pass, in org procedures too.
      expect((await support.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
      expect((await support.trpc.sessions.list.query()).sessions.length).toBeGreaterThan(0);

      // Each refusal is recorded as the admin on behalf of the user.
      const denied = await db()
        .selectFrom('audit_events')
        .select(['actor_id', 'on_behalf_of', 'outcome', 'details'])
        .where('action', '=', 'authz.denied')
        .where('on_behalf_of', '=', user.userId)
        .execute();
      expect(denied.length).toBeGreaterThanOrEqual(3);
      for (const row of denied) {
        expect(row).toMatchObject({ actor_id: admin.userId, outcome: 'denied' });
        expect(row.details).toMatchObject({ impersonation: 'read_only' });
      }
    });

    it('even with the grant: no step-up or secret procedure (no key, password, MFA)', async () => {
      const { user, support, started } = await impersonating({ allowWrites: true });
      const before = await userRow(user.userId);
      // Even a fresh proof recorded on the session (it cannot get one) would not count.
      await db()
        .updateTable('sessions')
        .set({ reauthenticated_at: new Date() })
        .where('id', '=', started.sessionId)
        .execute();
      await t.app.deps.sessions.forgetUser(user.userId);
      const attempts: [string, () => Promise<unknown>][] = [
        [
          'apiKeys.create',
          () =>
            support.trpc.apiKeys.create.mutate({
              name: 'backdoor',
              scopes: ['self:read'],
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            }),
        ],
        [
          'auth.changePassword',
          () =>
            support.trpc.auth.changePassword.mutate({
              currentPassword: 'whatever it is',
              newPassword: 'a password support chose',
            }),
        ],
        [
          'account.changeEmail',
          () => support.trpc.account.changeEmail.mutate({ newEmail: email('support-owned') }),
        ],
        ['account.delete', () => support.trpc.account.delete.mutate()],
        ['mfa.totp.begin', () => support.trpc.mfa.totp.begin.mutate()],
      ];
      for (const [path, attempt] of attempts) {
        expect({ path, ...(await refusal(attempt())) }).toMatchObject({
          path,
          httpStatus: 403,
          reason: 'IMPERSONATION_READ_ONLY',
        });
      }
      const after = await userRow(user.userId);
      expect(after.password_hash).toBe(before.password_hash);
      expect(after.email).toBe(before.email);
      expect(after.deletion_due_at).toBeNull();
      expect(
        await db().selectFrom('api_keys').select('id').where('user_id', '=', user.userId).execute(),
      ).toEqual([]);
      expect(
        await db()
          .selectFrom('mfa_totp')
          .select('user_id')
          .where('user_id', '=', user.userId)
          .execute(),
      ).toEqual([]);
      // The granted kind of write still works.
      await support.trpc.account.updateProfile.mutate({ name: 'Granted' });
      expect((await userRow(user.userId)).name).toBe('Granted');
    });
  });

  describe('no secret at rest, none shown', () => {
    it('stores only the hash of the impersonation secret; the response has no token', async () => {
      const admin = await t.signIn(email('admin'), { admin: true });
      const target = await t.signIn(email('user'));
      const res = await admin.jar.fetch(`${t.url}/trpc/admin.impersonation.start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: target.userId, reason: REASON }),
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie)?.[1]);
      expect(maxAge).toBeGreaterThan(14 * 60);
      expect(maxAge).toBeLessThanOrEqual(15 * 60);
      const token = cookie.slice(COOKIE.length + 1).split(';')[0] ?? '';
      const [id, secret] = token.split('.') as [string, string];
      expect(body).not.toContain(secret);

      const row = await db()
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        user_id: target.userId,
        impersonator_id: admin.userId,
        impersonation_reason: REASON,
        impersonation_writes: false,
        auth_level: 'password',
      });
      expect(Buffer.from(row.secret_hash).equals(sha256(secret))).toBe(true);
      const dump = JSON.stringify({ ...row, secret_hash: Buffer.from(row.secret_hash).toString() });
      expect(dump).not.toContain(secret);
      const audit = await db().selectFrom('audit_events').selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain(secret);
      const outbox = await db().selectFrom('mail_outbox').select('payload').execute();
      expect(JSON.stringify(outbox)).not.toContain(secret);
    });
  });

  describe('revocation beyond the bus', () => {
    it('an admin locked behind the server’s back: the next uncached read refuses it', async () => {
      const { admin, user, support, started } = await impersonating();
      await db()
        .updateTable('users')
        .set({ locked_at: new Date(), lock_kind: 'admin' })
        .where('id', '=', admin.userId)
        .execute();
      await t.app.deps.sessions.forgetUser(user.userId);
      expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
      expect(
        await db()
          .selectFrom('sessions')
          .select('id')
          .where('id', '=', started.sessionId)
          .execute(),
      ).toEqual([]);
    });
  });
});

describe.each(DATABASE_KINDS)('the audit chain across migration 0016 (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => t?.destroy());

  /** A row as the writer before 0016 hashed it: no on_behalf_of in the record at all. */
  const appendPre0016 = async (action: string, actorId: string): Promise<void> => {
    const db = t.handle.db;
    const head = await db
      .selectFrom('audit_chain_head')
      .select(['last_hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ id: string }>`select nextval('audit_events_id_seq') as id`.execute(
      db,
    );
    const record = {
      id: String(rows[0]?.id),
      occurredAt: new Date().toISOString(),
      actorType: 'user',
      actorId,
      action,
      targetType: null,
      targetId: null,
      orgId: null,
      ip: '192.0.2.1',
      requestId: null,
      outcome: 'success',
      details: { n: 1 },
    };
    const prev = Buffer.from(head.last_hash);
    const hash = createHash('sha256').update(prev).update(canonicalJson(record)).digest();
    await sql`insert into audit_events (id, occurred_at, actor_type, actor_id, action, ip,
      outcome, details, prev_hash, hash)
      values (${record.id}, ${record.occurredAt}, 'user', ${actorId}, ${action}, '192.0.2.1',
      'success', ${JSON.stringify(record.details)}::jsonb, ${prev}, ${hash})`.execute(db);
    await sql`update audit_chain_head set last_id = ${record.id}, last_hash = ${hash}
      where id = 1`.execute(db);
  };

  it('rows from before verify unchanged; new rows commit to on_behalf_of', async () => {
    const db = t.handle.db;
    const migrator = createMigrator(db);
    const to15 = await migrator.migrateTo('0015_account_lifecycle');
    expect(to15.error).toBeUndefined();
    await appendPre0016('auth.sign_in', 'old-user-1');
    await appendPre0016('auth.sign_out', 'old-user-1');
    const latest = await migrator.migrateToLatest();
    expect(latest.error).toBeUndefined();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 2 });

    const admin = '11111111-1111-4111-8111-111111111111';
    const user = '22222222-2222-4222-8222-222222222222';
    await appendAuditEvent(db, {
      action: 'admin.user.impersonate',
      actor: { type: 'user', id: admin, onBehalfOf: user },
      target: { type: 'user', id: user },
      outcome: 'success',
    });
    const plain = await appendAuditEvent(db, {
      action: 'auth.sign_in',
      actor: { type: 'user', id: admin },
      outcome: 'success',
    });
    const marked = await appendAuditEvent(db, {
      action: 'account.update_profile',
      actor: { type: 'user', id: admin, onBehalfOf: user },
      outcome: 'success',
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 5 });
    const rows = await db
      .selectFrom('audit_events')
      .select(['id', 'on_behalf_of'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.on_behalf_of)).toEqual([null, null, user, null, user]);

    // The hash covers the column: rewriting or removing it (superuser, trigger off) is caught.
    const tamper = async (id: string, value: string | null): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`update audit_events set on_behalf_of = ${value} where id = ${id}`.execute(trx);
      });
    };
    await tamper(marked, null);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: marked,
      problem: 'hash mismatch',
    });
    await tamper(marked, user);
    await tamper(plain, user);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: plain,
      problem: 'hash mismatch',
    });
    await tamper(plain, null);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 5 });
  });
});

describe.runIf(TEST_DATABASE_URL && REDIS_URL)('impersonation across two instances', () => {
  const pair = useTwoInstances('impersonation');
  const REACH_MS = 1_000;
  const CACHE_TTL_MS = 10_000;
  const post = (server: SpawnedServer, path: string, body: unknown, cookie: string) =>
    fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie },
      body: JSON.stringify(body),
    });
  const meOnB = async (cookie: string): Promise<number> => {
    const res = await fetch(`${pair.b.url}/trpc/auth.me`, { headers: { cookie } });
    await res.arrayBuffer();
    return res.status;
  };

  it('locking the admin on A ends the impersonation cached on B within a second', async () => {
    const admin = await signedInOnA(pair, 'imp-two-admin@example.com', { admin: true });
    const locker = await signedInOnA(pair, 'imp-two-locker@example.com', { admin: true });
    const user = await signedInOnA(pair, 'imp-two-user@example.com');
    const started = await post(
      pair.a,
      'admin.impersonation.start',
      { userId: user.id, reason: REASON },
      admin.cookie,
    );
    expect(started.status).toBe(200);
    await started.arrayBuffer();
    const cookie =
      started.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${COOKIE}=`))
        ?.split(';')[0] ?? '';
    expect(cookie).not.toBe('');
    // B serves it (and caches it for CACHE_TTL_MS).
    expect(await meOnB(cookie)).toBe(200);
    const cachedBefore = Date.now();
    const locked = await post(pair.a, 'admin.users.lock', { id: admin.id }, locker.cookie);
    expect(locked.status).toBe(200);
    await locked.arrayBuffer();
    const lockedAt = Date.now();
    let status = await meOnB(cookie);
    while (status === 200 && Date.now() - cachedBefore < CACHE_TTL_MS) {
      await new Promise((r) => setTimeout(r, 10));
      status = await meOnB(cookie);
    }
    expect(status).toBe(401);
    expect(Date.now() - lockedAt).toBeLessThan(REACH_MS);
  });
});
