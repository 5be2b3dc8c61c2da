import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/src/audit/verify-audit-chain';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

/**
 * Impersonation for support (issue 21): an administrator, in a step-up session, acts as a
 * user for a limited time with a written reason; read-only unless granted; the user is mailed
 * and sees it among their sessions; every audit row names both; it ends by `end`, sign-out, the
 * user's revocation, its time limit, or whatever ends the administrator's access.
 */

const COOKIE = 'gatehouse_session';
const REASON = 'Ticket 4711: the user cannot find their project';

describe.each(DATABASE_KINDS)('impersonation (%s)', (kind) => {
  const t = useTestApp({ kind });
  const db = () => t.db;
  let n = 0;
  const email = (name: string): string => `${name}-imp-${kind}-${++n}@example.com`;
  const mail = () => {
    const capture = t.mail;
    if (!capture) throw new Error('no mail capture');
    return capture;
  };
  /** Signs an existing account in on a fresh client (a second browser). */
  const signInAgain = async (address: string): Promise<TestClient> => {
    const client = createTestClient(t.url);
    await client.trpc.auth.signIn.mutate({ email: address, password: TEST_PASSWORD });
    return client;
  };
  const sessionIdOf = (client: TestClient): string => (client.jar.get(COOKIE) ?? '').split('.')[0]!;

  /** An admin and a user; the admin's browser (`support`) then impersonates the user. */
  const impersonating = async (options: { allowWrites?: boolean; minutes?: number } = {}) => {
    const adminEmail = email('admin');
    const userEmail = email('user');
    const admin = await t.signIn(adminEmail, { admin: true });
    const user = await t.signIn(userEmail);
    const adminSession = sessionIdOf(admin);
    const started = await admin.trpc.admin.impersonation.start.mutate({
      userId: user.userId,
      reason: REASON,
      ...options,
    });
    // The admin's browser now holds the impersonation session.
    return { admin, adminEmail, adminSession, user, userEmail, support: admin, started };
  };
  const auditOf = (sessionUser: string) =>
    db()
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id', 'on_behalf_of', 'outcome', 'details'])
      .where('on_behalf_of', '=', sessionUser)
      .orderBy('id')
      .execute();

  it('start → the admin reads as the user → rows name both → end signs out', async () => {
    const before = Date.now();
    const { admin, adminEmail, adminSession, user, userEmail, support, started } =
      await impersonating();
    expect(started).toMatchObject({
      userId: user.userId,
      adminId: admin.userId,
      reason: REASON,
      allowWrites: false,
    });
    const limit = new Date(started.expiresAt).getTime() - new Date(started.startedAt).getTime();
    // Default 15 minutes (startedAt is the database's clock, the limit the server's).
    expect(Math.abs(limit - 15 * 60_000)).toBeLessThan(2_000);
    expect(new Date(started.startedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(started)).not.toContain((support.jar.get(COOKIE) ?? '').split('.')[1]);
    // The cookie now names the impersonation session; the admin's own session is gone.
    expect(sessionIdOf(support)).toBe(started.sessionId);
    expect(
      await db().selectFrom('sessions').select('id').where('id', '=', adminSession).execute(),
    ).toEqual([]);

    // The user is told: who is not named, but why, until when, and that nothing can change.
    const notice = await mail().waitFor(userEmail, /An administrator is viewing your/);
    expect(notice.text).toContain(REASON);
    expect(notice.text).toContain(started.expiresAt);
    expect(notice.text).toContain('not change anything');

    // The admin reads as the user: auth.me, sessions.list, account.get.
    const me = await support.trpc.auth.me.query();
    expect(me.user.id).toBe(user.userId);
    expect(me.session?.impersonation).toEqual({
      adminId: admin.userId,
      reason: REASON,
      allowWrites: false,
    });
    expect(me.session?.expiresAt).toBe(started.expiresAt);
    expect((await support.trpc.account.get.query()).email).toBe(userEmail);

    // The user sees it among their own sessions, marked, with its time limit.
    const listed = await user.trpc.sessions.list.query();
    const shown = listed.sessions.find((s) => s.id === started.sessionId);
    expect(shown).toMatchObject({
      current: false,
      expiresAt: started.expiresAt,
      impersonation: { adminId: admin.userId, reason: REASON, allowWrites: false },
    });
    const own = listed.sessions.find((s) => s.current);
    expect(own).toBeDefined();
    expect(own).not.toHaveProperty('impersonation');

    // Ending it (allowed although read-only) signs the browser out.
    await expect(support.trpc.admin.impersonation.end.mutate()).resolves.toEqual({ ok: true });
    expect(support.jar.get(COOKIE)).toBeUndefined();
    expect(
      await db().selectFrom('sessions').select('id').where('id', '=', started.sessionId).execute(),
    ).toEqual([]);

    const rows = await auditOf(user.userId);
    expect(rows.map((r) => r.action)).toEqual([
      'admin.user.impersonate',
      'admin.user.end_impersonation',
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
      expect(row.on_behalf_of).toBe(user.userId);
    }
    expect(rows[0]?.details).toMatchObject({
      sessionId: started.sessionId,
      reason: REASON,
      minutes: 15,
      allowWrites: false,
      expiresAt: started.expiresAt,
    });
    expect(rows[1]?.details).toMatchObject({ sessionId: started.sessionId, cause: 'ended' });

    // Back as themselves, the admin finds them through admin.audit.list's filters.
    const again = await signInAgain(adminEmail);
    const page = await again.trpc.admin.audit.list.query({ onBehalfOf: user.userId });
    expect(page.events.map((e) => [e.action, e.actorId, e.onBehalfOf])).toEqual([
      ['admin.user.end_impersonation', admin.userId, user.userId],
      ['admin.user.impersonate', admin.userId, user.userId],
    ]);
    const all = await again.trpc.admin.audit.list.query({ impersonation: true, limit: 100 });
    expect(all.events.length).toBeGreaterThanOrEqual(2);
    expect(all.events.every((e) => e.onBehalfOf !== null)).toBe(true);
    const none = await again.trpc.admin.audit.list.query({ impersonation: false, limit: 100 });
    expect(none.events.every((e) => e.onBehalfOf === null)).toBe(true);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it('with the write grant a mutation runs as the user and is recorded as the admin', async () => {
    const { admin, user, support, started } = await impersonating({ allowWrites: true });
    expect(started.allowWrites).toBe(true);
    expect((await support.trpc.auth.me.query()).session?.impersonation?.allowWrites).toBe(true);
    await support.trpc.account.updateProfile.mutate({ name: 'Set by support' });
    const row = await db()
      .selectFrom('users')
      .select('name')
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('Set by support');
    const rows = await auditOf(user.userId);
    const update = rows.find((r) => r.action !== 'admin.user.impersonate');
    expect(update).toMatchObject({
      actor_type: 'user',
      actor_id: admin.userId,
      on_behalf_of: user.userId,
      outcome: 'success',
    });
    // Signing out ends it too, and is recorded as its end.
    await support.trpc.auth.signOut.mutate();
    const after = await auditOf(user.userId);
    expect(after.at(-1)).toMatchObject({
      action: 'admin.user.end_impersonation',
      actor_id: admin.userId,
      details: { sessionId: started.sessionId, cause: 'signed_out' },
    });
    expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
  });

  it('ends exactly at its time limit, whatever the idle and absolute settings say', async () => {
    const { user, support, started } = await impersonating({ minutes: 5 });
    const row = await db()
      .selectFrom('sessions')
      .select(['expires_at', 'impersonator_id', 'impersonation_writes'])
      .where('id', '=', started.sessionId)
      .executeTakeFirstOrThrow();
    // Not the absolute lifetime (SESSION_ABSOLUTE…): the 5 minutes asked for.
    expect(new Date(row.expires_at).toISOString()).toBe(started.expiresAt);
    // Unused for longer than the idle timeout (10 days): an ordinary session would be over.
    await db()
      .updateTable('sessions')
      .set({ last_used_at: new Date(Date.now() - 11 * 86_400_000) })
      .where('id', '=', started.sessionId)
      .execute();
    await t.app.deps.sessions.forgetUser(user.userId);
    expect((await support.trpc.auth.me.query()).user.id).toBe(user.userId);
    // Its time limit passes: refused and deleted.
    await db()
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', started.sessionId)
      .execute();
    await t.app.deps.sessions.forgetUser(user.userId);
    expect(await refusal(support.trpc.auth.me.query())).toMatchObject({
      httpStatus: 401,
      reason: 'SESSION_INVALID',
    });
    expect(
      await db().selectFrom('sessions').select('id').where('id', '=', started.sessionId).execute(),
    ).toEqual([]);
  });

  it('the user revoking it from their session list ends it at once', async () => {
    const { user, support, started } = await impersonating();
    await support.trpc.auth.me.query(); // cached
    await user.trpc.sessions.revoke.mutate({ id: started.sessionId });
    expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
  });

  it('admin.impersonation.list shows live ones; revoke ends one from another browser', async () => {
    const { adminEmail, user, support, started } = await impersonating();
    const other = await signInAgain(adminEmail);
    const listed = await other.trpc.admin.impersonation.list.query();
    expect(listed.impersonations.find((i) => i.sessionId === started.sessionId)).toEqual(started);
    await support.trpc.auth.me.query();
    await other.trpc.admin.impersonation.revoke.mutate({ id: started.sessionId });
    expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
    const ended = await db()
      .selectFrom('audit_events')
      .select(['actor_id', 'target_id', 'details'])
      .where('action', '=', 'admin.user.end_impersonation')
      .where('target_id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(ended.details).toMatchObject({ sessionId: started.sessionId, cause: 'revoked' });
    // An ordinary session's id is not an impersonation: NOT_FOUND, and it keeps working.
    expect(
      await refusal(other.trpc.admin.impersonation.revoke.mutate({ id: sessionIdOf(user) })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    expect((await user.trpc.auth.me.query()).user.id).toBe(user.userId);
    // Only an impersonation session may call end (the pipeline refuses every other caller).
    expect(await refusal(other.trpc.admin.impersonation.end.mutate())).toMatchObject({
      httpStatus: 403,
      reason: 'FORBIDDEN',
    });
  });

  describe('revocation reaches it: whatever ends the admin’s access ends the impersonation', () => {
    const acts: [string, (by: TestClient, adminId: string) => Promise<unknown>][] = [
      ['lock', (by, id) => by.trpc.admin.users.lock.mutate({ id })],
      ['ban', (by, id) => by.trpc.admin.users.ban.mutate({ id, reason: 'misuse of support' })],
      ['demotion', (by, id) => by.trpc.admin.users.setRole.mutate({ id, role: 'user' })],
      ['delete', (by, id) => by.trpc.admin.users.delete.mutate({ id, immediately: true })],
      ['revokeSessions', (by, id) => by.trpc.admin.users.revokeSessions.mutate({ id })],
    ];
    it.each(acts)('%s of the admin', async (_name, act) => {
      const { admin, support, started } = await impersonating();
      const other = await t.signIn(email('other-admin'), { admin: true });
      expect((await support.trpc.auth.me.query()).session?.id).toBe(started.sessionId);
      await act(other, admin.userId);
      expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
      expect(
        await db()
          .selectFrom('sessions')
          .select('id')
          .where('impersonator_id', '=', admin.userId)
          .execute(),
      ).toEqual([]);
    });

    it('locking the user', async () => {
      const { user, support } = await impersonating();
      const other = await t.signIn(email('other-admin'), { admin: true });
      await support.trpc.auth.me.query();
      await other.trpc.admin.users.lock.mutate({ id: user.userId });
      expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
    });

    it('the user being made an admin (never an impersonation of an admin)', async () => {
      const { user, support } = await impersonating();
      const other = await t.signIn(email('other-admin'), { admin: true });
      await support.trpc.auth.me.query();
      await other.trpc.admin.users.setRole.mutate({ id: user.userId, role: 'admin' });
      expect((await refusal(support.trpc.auth.me.query())).httpStatus).toBe(401);
    });
  });
});
