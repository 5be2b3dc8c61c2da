import { describe, expect, it } from 'vitest';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { appRouter } from '../../server/src/app-router';
import { signInUser, TEST_PASSWORD } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';

describe.each(DATABASE_KINDS)('admin procedures (%s)', (kind) => {
  const t = useTestApp({ kind });
  const db = () => t.database.handle.db;

  it('refuses every admin.* procedure: 403 to a member, 401 to anonymous callers', async () => {
    const member = await signInUser(t.url, 'member@example.com');
    const adminProcedures = listProcedures(appRouter).filter((p) => p.path.startsWith('admin.'));
    expect(adminProcedures.length).toBeGreaterThanOrEqual(6);
    for (const p of adminProcedures) {
      const input = encodeURIComponent(JSON.stringify({ id: member.userId, role: 'admin' }));
      const init: RequestInit =
        p.type === 'query'
          ? {}
          : {
              method: 'POST',
              body: JSON.stringify({ id: member.userId, role: 'admin' }),
              headers: { 'content-type': 'application/json', origin: t.url },
            };
      const url =
        p.type === 'query' ? `${t.url}/trpc/${p.path}?input=${input}` : `${t.url}/trpc/${p.path}`;
      const asMember = await member.jar.fetch(url, init);
      expect(asMember.status, p.path).toBe(403);
      expect(
        ((await asMember.json()) as { error: { data: { reason: string } } }).error.data.reason,
      ).toBe('FORBIDDEN');
      const anonymous = await fetch(url, init);
      expect(anonymous.status, p.path).toBe(401);
    }
    const row = await db()
      .selectFrom('users')
      .select('role')
      .where('id', '=', member.userId)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('user');
  });

  it('lists and searches users with cursor pagination, never exposing a hash', async () => {
    const admin = await signInUser(t.url, 'root@example.com', { db: db(), admin: true });
    for (const n of [1, 2, 3, 4, 5]) await signInUser(t.url, `list-${n}@example.com`);
    await signInUser(t.url, 'under_score@example.com');
    const first = await admin.trpc.admin.users.list.query({ emailContains: 'list-', limit: 2 });
    expect(first.users.map((u) => u.email)).toEqual(['list-1@example.com', 'list-2@example.com']);
    const second = await admin.trpc.admin.users.list.query({
      emailContains: 'list-',
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.users.map((u) => u.email)).toEqual(['list-3@example.com', 'list-4@example.com']);
    const third = await admin.trpc.admin.users.list.query({
      emailContains: 'list-',
      limit: 2,
      cursor: second.nextCursor ?? undefined,
    });
    expect(third.users.map((u) => u.email)).toEqual(['list-5@example.com']);
    expect(third.nextCursor).toBeNull();
    // LIKE metacharacters are literal.
    expect(
      (await admin.trpc.admin.users.list.query({ emailContains: '_' })).users.map((u) => u.email),
    ).toEqual(['under_score@example.com']);
    expect(
      (await admin.trpc.admin.users.list.query({ emailContains: "%' or 1=1 --" })).users,
    ).toEqual([]);
    expect(
      await refusal(admin.trpc.admin.users.list.query({ cursor: 'bm90LWpzb24' })),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
    const raw = await admin.jar.fetch(
      `${t.url}/trpc/admin.users.list?input=${encodeURIComponent('{}')}`,
    );
    expect(await raw.text()).not.toMatch(/argon2|password|hash/i);
    // No input at all: every field is optional, so the input is too (client call and plain GET).
    expect((await admin.trpc.admin.users.list.query()).users.length).toBeGreaterThan(0);
    const bare = await admin.jar.fetch(`${t.url}/trpc/admin.users.list`);
    expect(bare.status).toBe(200);
    expect((await admin.trpc.admin.audit.list.query()).events.length).toBeGreaterThan(0);
  });

  it('changes a role and revokes the target’s sessions', async () => {
    const admin = await signInUser(t.url, 'root2@example.com', { db: db(), admin: true });
    const target = await signInUser(t.url, 'promote@example.com');
    const updated = await admin.trpc.admin.users.setRole.mutate({
      id: target.userId,
      role: 'admin',
    });
    expect(updated.role).toBe('admin');
    expect(await refusal(target.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
    const again = createTestClient(t.url);
    await again.trpc.auth.signIn.mutate({ email: 'promote@example.com', password: TEST_PASSWORD });
    expect((await again.trpc.admin.users.get.query({ id: target.userId })).role).toBe('admin');
  });

  it('locks a user: sessions revoked, sign-in ACCOUNT_LOCKED; unlock restores', async () => {
    const admin = await signInUser(t.url, 'root3@example.com', { db: db(), admin: true });
    const target = await signInUser(t.url, 'lockme@example.com');
    const locked = await admin.trpc.admin.users.lock.mutate({ id: target.userId });
    expect(locked.lockedAt).not.toBeNull();
    expect(await refusal(target.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
    const c = createTestClient(t.url);
    expect(
      await refusal(
        c.trpc.auth.signIn.mutate({ email: 'lockme@example.com', password: TEST_PASSWORD }),
      ),
    ).toMatchObject({ reason: 'ACCOUNT_LOCKED', httpStatus: 403 });
    // A wrong password still answers INVALID_CREDENTIALS: the lock is not an oracle.
    expect(
      await refusal(
        c.trpc.auth.signIn.mutate({
          email: 'lockme@example.com',
          password: 'wrong password for sure',
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    await admin.trpc.admin.users.unlock.mutate({ id: target.userId });
    expect(
      (await c.trpc.auth.signIn.mutate({ email: 'lockme@example.com', password: TEST_PASSWORD }))
        .status,
    ).toBe('signed_in');
    expect(await refusal(admin.trpc.admin.users.lock.mutate({ id: admin.userId }))).toMatchObject({
      reason: 'FORBIDDEN',
    });
  });

  it('refuses to demote the last admin, also when two demote each other at once', async () => {
    // Start from exactly two admins.
    await db().updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').execute();
    const a = await signInUser(t.url, 'duo-a@example.com', { db: db(), admin: true });
    const b = await signInUser(t.url, 'duo-b@example.com', { db: db(), admin: true });
    const results = await Promise.allSettled([
      a.trpc.admin.users.setRole.mutate({ id: b.userId, role: 'user' }),
      b.trpc.admin.users.setRole.mutate({ id: a.userId, role: 'user' }),
    ]);
    const admins = await db()
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .execute();
    expect(admins).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const survivor = admins[0]?.id === a.userId ? a : b;
    const fresh = createTestClient(t.url);
    await fresh.trpc.auth.signIn.mutate({
      email: survivor === a ? 'duo-a@example.com' : 'duo-b@example.com',
      password: TEST_PASSWORD,
    });
    expect(
      await refusal(fresh.trpc.admin.users.setRole.mutate({ id: survivor.userId, role: 'user' })),
    ).toMatchObject({ reason: 'LAST_ADMIN', httpStatus: 409 });
  });

  it('revokes all sessions of a user on request', async () => {
    const admin = await signInUser(t.url, 'root4@example.com', { db: db(), admin: true });
    const target = await signInUser(t.url, 'revoke-all@example.com');
    expect(
      (await admin.trpc.admin.users.revokeSessions.mutate({ id: target.userId })).revoked,
    ).toBe(1);
    expect(await refusal(target.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
  });

  it('admin.audit.list filters by actor, action, time; holds sign-ins, denials', async () => {
    const admin = await signInUser(t.url, 'auditor@example.com', { db: db(), admin: true });
    const member = await signInUser(t.url, 'audited@example.com');
    const stranger = createTestClient(t.url);
    await refusal(
      stranger.trpc.auth.signIn.mutate({
        email: 'audited@example.com',
        password: 'definitely the wrong one',
      }),
    );
    await refusal(member.trpc.admin.users.list.query({}));
    const since = new Date(Date.now() - 60_000).toISOString();

    const signIns = await admin.trpc.admin.audit.list.query({
      action: 'auth.sign_in',
      from: since,
    });
    expect(signIns.events.some((e) => e.outcome === 'success' && e.actorId === member.userId)).toBe(
      true,
    );
    expect(
      signIns.events.some((e) => e.outcome === 'failure' && e.targetId === member.userId),
    ).toBe(true);
    const byMember = await admin.trpc.admin.audit.list.query({ actorId: member.userId });
    expect(byMember.events.every((e) => e.actorId === member.userId)).toBe(true);
    expect(
      byMember.events.some(
        (e) =>
          e.action === 'authz.denied' &&
          e.outcome === 'denied' &&
          e.details.procedure === 'admin.users.list',
      ),
    ).toBe(true);
    const future = await admin.trpc.admin.audit.list.query({
      from: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.events).toEqual([]);
    const page1 = await admin.trpc.admin.audit.list.query({ limit: 2 });
    const page2 = await admin.trpc.admin.audit.list.query({
      limit: 2,
      cursor: page1.nextCursor ?? undefined,
    });
    expect(Number(page2.events[0]?.id)).toBeLessThan(Number(page1.events[1]?.id));
    const text = JSON.stringify(await admin.trpc.admin.audit.list.query({ limit: 100 }));
    expect(text).not.toMatch(/definitely the wrong one|argon2|gatehouse_session=/);
    expect(await refusal(member.trpc.admin.audit.list.query({}))).toMatchObject({
      httpStatus: 403,
      reason: 'FORBIDDEN',
    });
  });
});
