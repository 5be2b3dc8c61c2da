import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/src/audit/verify-audit-chain';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe.each(DATABASE_KINDS)('admin.users.delete (%s)', (kind) => {
  const t = useTestApp({ kind });

  it('erases at once when asked: the same erasure as self-service, by the admin', async () => {
    const admin = await t.signIn('deleting-admin@example.com', { admin: true });
    const user = await t.signIn('deleted-now@example.com');
    await user.trpc.account.updateProfile.mutate({ name: 'Ottoline Brackenridge' });
    expect(
      await admin.trpc.admin.users.delete.mutate({ id: user.userId, immediately: true }),
    ).toEqual({ status: 'erased', deletionDueAt: null });
    expect((await refusal(user.trpc.auth.me.query())).httpStatus).toBe(401);
    const row = await t.db
      .selectFrom('users')
      .select(['email', 'name', 'lock_kind'])
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      email: `erased-${user.userId}@erased.invalid`,
      name: null,
      lock_kind: 'erased',
    });
    const erase = await t.db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id', 'details'])
      .where('action', '=', 'account.erase')
      .where('target_id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(erase).toMatchObject({ actor_type: 'user', actor_id: admin.userId });
    expect(erase.details).toMatchObject({ cause: 'admin' });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    // Gone is gone: a second delete finds nobody.
    expect(
      await refusal(admin.trpc.admin.users.delete.mutate({ id: user.userId, immediately: true })),
    ).toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('schedules by default: every credential ends now, the sweep erases at the date', async () => {
    const admin = await t.signIn('scheduling-admin@example.com', { admin: true });
    const user = await t.signIn('deleted-later@example.com');
    const created = await user.trpc.apiKeys.create.mutate({
      name: 'later key',
      scopes: ['self:read'],
      expiresAt: inAYear(),
    });
    const key = createTestClient(t.url, { headers: { authorization: `Bearer ${created.key}` } });
    const answer = await admin.trpc.admin.users.delete.mutate({ id: user.userId });
    expect(answer.status).toBe('scheduled');
    expect((await refusal(user.trpc.auth.me.query())).httpStatus).toBe(401);
    expect((await refusal(key.trpc.auth.me.query())).httpStatus).toBe(401);
    await t.db
      .updateTable('users')
      .set({ deletion_due_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', user.userId)
      .execute();
    expect((await t.app.runAccountJobs()).erased).toBe(1);
    expect(
      await refusal(
        t.client().trpc.auth.signIn.mutate({
          email: 'deleted-later@example.com',
          password: TEST_PASSWORD,
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
  });

  it("refuses members, keys, stale step-up, the caller and an org's only owner", async () => {
    const admin = await t.signIn('guarded-admin@example.com', { admin: true });
    const member = await t.signIn('not-an-admin@example.com');
    const target = await t.signIn('protected@example.com');
    expect(
      await refusal(member.trpc.admin.users.delete.mutate({ id: target.userId })),
    ).toMatchObject({ reason: 'FORBIDDEN', httpStatus: 403 });
    const created = await admin.trpc.apiKeys.create.mutate({
      name: 'admin key',
      scopes: ['user:manage'],
      expiresAt: inAYear(),
    });
    const key = createTestClient(t.url, { headers: { authorization: `Bearer ${created.key}` } });
    expect(await refusal(key.trpc.admin.users.delete.mutate({ id: target.userId }))).toMatchObject({
      reason: 'SESSION_REQUIRED',
    });
    expect(await refusal(admin.trpc.admin.users.delete.mutate({ id: admin.userId }))).toMatchObject(
      { reason: 'FORBIDDEN' },
    );
    const org = await target.trpc.orgs.create.mutate({ name: 'Protected Org' });
    const lastOwner = await refusal(
      admin.trpc.admin.users.delete.mutate({ id: target.userId, immediately: true }),
    );
    expect(lastOwner).toMatchObject({ reason: 'LAST_OWNER', httpStatus: 409 });
    expect(lastOwner.message).toContain(org.id);
    await t.db
      .updateTable('sessions')
      .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
      .where('user_id', '=', admin.userId)
      .execute();
    await t.app.deps.sessions.forgetUser(admin.userId);
    expect(
      await refusal(admin.trpc.admin.users.delete.mutate({ id: member.userId })),
    ).toMatchObject({ reason: 'REAUTH_REQUIRED' });
    // Nothing happened to anyone.
    expect((await target.trpc.auth.me.query()).user.email).toBe('protected@example.com');
    expect((await member.trpc.auth.me.query()).user.email).toBe('not-an-admin@example.com');
  });
});
