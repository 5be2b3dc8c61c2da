import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { memberOf, twoOrgs } from '../support/two-orgs';

describe.each(DATABASE_KINDS)('organizations and projects (%s)', (kind) => {
  let mail: MailCapture;
  const tokenFor = async (email: string): Promise<string> =>
    tokenFromMail(await mail.waitFor(email, /invited/));
  beforeAll(async () => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({ kind, mailTransport: mail }));
  const db = () => t.database.handle.db;

  it('creates an org with the caller as owner, lists only mine', async () => {
    const { alice, orgA, orgB } = await twoOrgs(t, 'basic');
    const mine = await alice.trpc.orgs.list.query();
    expect(mine.orgs.map((o) => o.id)).toEqual([orgA]);
    expect(mine.orgs[0]?.role).toBe('owner');
    expect(mine.orgs.some((o) => o.id === orgB)).toBe(false);
  });

  it('invites, accepts once; viewers read, members edit their own, admins edit all', async () => {
    const { alice, orgA, projectA } = await twoOrgs(t, 'roles');
    const viewer = await memberOf(t, alice, orgA, 'roles-viewer@example.com', 'viewer', tokenFor);
    const member = await memberOf(t, alice, orgA, 'roles-member@example.com', 'member', tokenFor);
    const admin = await memberOf(t, alice, orgA, 'roles-admin@example.com', 'admin', tokenFor);
    expect((await viewer.trpc.projects.get.query({ orgId: orgA, id: projectA.id })).name).toBe(
      'alpha',
    );
    expect(
      await refusal(viewer.trpc.projects.create.mutate({ orgId: orgA, name: 'nope' })),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    const own = await member.trpc.projects.create.mutate({ orgId: orgA, name: 'members own' });
    expect(
      (
        await member.trpc.projects.update.mutate({
          orgId: orgA,
          id: own.id,
          version: own.version,
          patch: { name: 'renamed' },
        })
      ).version,
    ).toBe(2);
    expect(
      await refusal(
        member.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectA.id,
          version: projectA.version,
          patch: { name: 'hijack' },
        }),
      ),
    ).toMatchObject({ httpStatus: 403 });
    const edited = await admin.trpc.projects.update.mutate({
      orgId: orgA,
      id: own.id,
      version: 2,
      patch: { description: 'by admin' },
    });
    expect(edited.description).toBe('by admin');
    expect(
      await refusal(
        member.trpc.orgs.members.invite.mutate({
          orgId: orgA,
          email: 'x@example.com',
          role: 'viewer',
        }),
      ),
    ).toMatchObject({ httpStatus: 403 });
    expect(
      await refusal(
        admin.trpc.orgs.members.invite.mutate({
          orgId: orgA,
          email: 'y@example.com',
          role: 'owner',
        }),
      ),
    ).toMatchObject({ reason: 'ROLE_TOO_HIGH' });
    expect(
      await refusal(
        admin.trpc.orgs.members.setRole.mutate({
          orgId: orgA,
          userId: alice.userId,
          role: 'viewer',
        }),
      ),
    ).toMatchObject({ reason: 'ROLE_TOO_HIGH' });
    const members = await viewer.trpc.orgs.members.list.query({ orgId: orgA });
    expect(members.members.map((m) => m.role).sort()).toEqual([
      'admin',
      'member',
      'owner',
      'viewer',
    ]);
  });

  it('an invitation works once, only for its email', async () => {
    const { alice, orgA } = await twoOrgs(t, 'invite');
    const carol = await signInUser(t.url, 'invite-carol@example.com');
    const mallory = await signInUser(t.url, 'invite-mallory@example.com');
    await alice.trpc.orgs.members.invite.mutate({
      orgId: orgA,
      email: 'invite-carol@example.com',
      role: 'member',
    });
    const token = await tokenFor('invite-carol@example.com');
    expect(await refusal(mallory.trpc.orgs.invitations.accept.mutate({ token }))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    expect(await carol.trpc.orgs.invitations.accept.mutate({ token })).toEqual({
      orgId: orgA,
      role: 'member',
    });
    expect(await refusal(carol.trpc.orgs.invitations.accept.mutate({ token }))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    const tokens = await db()
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('purpose', '=', 'org_invitation')
      .execute();
    for (const row of tokens)
      expect(Buffer.from(row.token_hash).toString('base64url')).not.toBe(token);
  });

  it('the last owner can neither leave nor be demoted; with two owners one may go', async () => {
    const { alice, orgA } = await twoOrgs(t, 'owners');
    expect(await refusal(alice.trpc.orgs.leave.mutate({ orgId: orgA }))).toMatchObject({
      reason: 'LAST_OWNER',
      httpStatus: 409,
    });
    expect(
      await refusal(
        alice.trpc.orgs.members.setRole.mutate({
          orgId: orgA,
          userId: alice.userId,
          role: 'admin',
        }),
      ),
    ).toMatchObject({ reason: 'LAST_OWNER' });
    const second = await memberOf(t, alice, orgA, 'owners-second@example.com', 'admin', tokenFor);
    await alice.trpc.orgs.members.setRole.mutate({
      orgId: orgA,
      userId: second.userId,
      role: 'owner',
    });
    // Two owners demoting each other at once: exactly one succeeds.
    const results = await Promise.allSettled([
      alice.trpc.orgs.members.setRole.mutate({
        orgId: orgA,
        userId: second.userId,
        role: 'member',
      }),
      second.trpc.orgs.members.setRole.mutate({
        orgId: orgA,
        userId: alice.userId,
        role: 'member',
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const owners = await db()
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', orgA)
      .where('role', '=', 'owner')
      .execute();
    expect(owners).toHaveLength(1);
  });

  it('paginates with a stable keyset cursor and filters names literally', async () => {
    const { alice, orgA } = await twoOrgs(t, 'pages');
    for (let i = 0; i < 7; i++)
      await alice.trpc.projects.create.mutate({ orgId: orgA, name: `item ${i}` });
    await alice.trpc.projects.create.mutate({ orgId: orgA, name: '100%_done' });
    await alice.trpc.projects.create.mutate({ orgId: orgA, name: 'back\\slash' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await alice.trpc.projects.list.query({ orgId: orgA, limit: 3, cursor });
      seen.push(...page.projects.map((p) => p.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(
      (await alice.trpc.projects.list.query({ orgId: orgA, nameContains: '%_' })).projects.map(
        (p) => p.name,
      ),
    ).toEqual(['100%_done']);
    expect(
      (await alice.trpc.projects.list.query({ orgId: orgA, nameContains: "' or 1=1 --" })).projects,
    ).toEqual([]);
    expect(
      (await alice.trpc.projects.list.query({ orgId: orgA, nameContains: '\\' })).projects.map(
        (p) => p.name,
      ),
    ).toEqual(['back\\slash']);
    expect(
      (await alice.trpc.projects.list.query({ orgId: orgA, nameContains: '_' })).projects.map(
        (p) => p.name,
      ),
    ).toEqual(['100%_done']);
    expect(
      await refusal(alice.trpc.projects.list.query({ orgId: orgA, limit: 101 })),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
  });

  it('pages through rows made within a millisecond, skipping none (µs cursor)', async () => {
    const { alice, orgA } = await twoOrgs(t, 'micro');
    // JavaScript dates hold milliseconds; PostgreSQL keeps microseconds. Five rows 100 µs apart
    // share one millisecond.
    for (let i = 1; i <= 5; i++) {
      await sql`insert into projects (org_id, owner_id, name, created_at)
        values (${orgA}, ${alice.userId}, ${`micro ${i}`},
          ${`2020-01-01T00:00:00.123${i}00Z`}::timestamptz)`.execute(db());
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await alice.trpc.projects.list.query({ orgId: orgA, limit: 2, cursor });
      seen.push(...page.projects.map((p) => p.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['alpha', 'micro 5', 'micro 4', 'micro 3', 'micro 2', 'micro 1']);
  });

  it('refuses a forged cursor as a validation error, not a database error', async () => {
    const { alice, orgA } = await twoOrgs(t, 'forged');
    for (const forged of [
      ['not a date', '00000000-0000-4000-8000-000000000000'],
      ['2020-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'],
      ['2020-01-01T00:00:00.000000Z', "x' or 1=1"],
      [1, 2],
      ['2020-01-01T00:00:00.000000Z'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect(await refusal(alice.trpc.projects.list.query({ orgId: orgA, cursor }))).toMatchObject({
        httpStatus: 400,
        reason: 'VALIDATION_FAILED',
      });
    }
  });

  it('a stale update answers CONFLICT and changes nothing', async () => {
    const { alice, orgA, projectA } = await twoOrgs(t, 'stale');
    await alice.trpc.projects.update.mutate({
      orgId: orgA,
      id: projectA.id,
      version: projectA.version,
      patch: { name: 'first' },
    });
    expect(
      await refusal(
        alice.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectA.id,
          version: projectA.version,
          patch: { name: 'second' },
        }),
      ),
    ).toMatchObject({ reason: 'CONFLICT', httpStatus: 409 });
    const row = await db()
      .selectFrom('projects')
      .select(['name', 'version'])
      .where('id', '=', projectA.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'first', version: 2 });
  });
});
