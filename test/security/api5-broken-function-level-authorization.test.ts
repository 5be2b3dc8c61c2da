// OWASP API5:2023 Broken Function Level Authorization — calling procedures above one's role.
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import { findPolicyProblems } from '../../server/src/pipeline/assert-procedure-policies';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { memberOf, twoOrgs, type SignedIn, type TwoOrgs } from '../support/two-orgs';

describe('API5: default deny', () => {
  it('every procedure declares a permission or public, an input and an output schema', () => {
    expect(findPolicyProblems(appRouter)).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('API5 over HTTP (%s)', (kind) => {
  let mail: MailCapture;
  let cast: TwoOrgs;
  let viewer: SignedIn;
  let member: SignedIn;
  beforeAll(async () => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({ kind, mailTransport: mail }));
  beforeAll(async () => {
    cast = await twoOrgs(t, 'bfla');
    const tokenFor = async (email: string) => tokenFromMail(await mail.waitFor(email, /invited/));
    viewer = await memberOf(
      t,
      cast.alice,
      cast.orgA,
      'bfla-viewer@example.com',
      'viewer',
      tokenFor,
    );
    member = await memberOf(
      t,
      cast.alice,
      cast.orgA,
      'bfla-member@example.com',
      'member',
      tokenFor,
    );
  });
  const count = async () =>
    Number(
      (
        await t.database.handle.db
          .selectFrom('projects')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a viewer calling a write procedure gets 403 and nothing is written', async () => {
    const before = await count();
    const { orgA, projectA } = cast;
    expect(
      await refusal(viewer.trpc.projects.create.mutate({ orgId: orgA, name: 'v' })),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect(
      await refusal(
        viewer.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectA.id,
          version: projectA.version,
          patch: { name: 'v' },
        }),
      ),
    ).toMatchObject({ httpStatus: 403 });
    expect(
      await refusal(viewer.trpc.projects.delete.mutate({ orgId: orgA, id: projectA.id })),
    ).toMatchObject({ httpStatus: 403 });
    expect(await count()).toBe(before);
  });

  it('a member calling org-admin procedures gets 403', async () => {
    const { orgA, alice } = cast;
    expect(
      await refusal(
        member.trpc.orgs.members.invite.mutate({
          orgId: orgA,
          email: 'bfla-x@example.com',
          role: 'viewer',
        }),
      ),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect(
      await refusal(
        member.trpc.orgs.members.setRole.mutate({
          orgId: orgA,
          userId: viewer.userId,
          role: 'admin',
        }),
      ),
    ).toMatchObject({ httpStatus: 403 });
    expect(
      await refusal(member.trpc.orgs.members.remove.mutate({ orgId: orgA, userId: alice.userId })),
    ).toMatchObject({ httpStatus: 403 });
    expect(
      await refusal(member.trpc.orgs.update.mutate({ orgId: orgA, patch: { requireMfa: true } })),
    ).toMatchObject({ httpStatus: 403 });
    const roles = await t.database.handle.db
      .selectFrom('memberships')
      .select(['user_id', 'role'])
      .where('org_id', '=', orgA)
      .execute();
    expect(roles.find((r) => r.user_id === viewer.userId)?.role).toBe('viewer');
  });

  it('a member calling any admin.* procedure gets 403; anonymous gets 401', async () => {
    expect(await refusal(member.trpc.admin.users.list.query({}))).toMatchObject({
      httpStatus: 403,
    });
    expect(
      await refusal(member.trpc.admin.users.setRole.mutate({ id: member.userId, role: 'admin' })),
    ).toMatchObject({ httpStatus: 403 });
    expect(await refusal(member.trpc.admin.audit.list.query({}))).toMatchObject({
      httpStatus: 403,
    });
    const anon = await fetch(`${t.url}/trpc/admin.users.list?input=%7B%7D`);
    expect(anon.status).toBe(401);
    const row = await t.database.handle.db
      .selectFrom('users')
      .select('role')
      .where('id', '=', member.userId)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('user');
  });

  it('every denial is audited', async () => {
    await refusal(viewer.trpc.projects.create.mutate({ orgId: cast.orgA, name: 'audited' }));
    const denied = await t.database.handle.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('action', '=', 'authz.denied')
      .where('actor_id', '=', viewer.userId)
      .execute();
    expect(
      denied.some((d) => (d.details as { procedure?: string }).procedure === 'projects.create'),
    ).toBe(true);
  });

  it("a resource policy's denial is audited, though the handler rolls back", async () => {
    const { orgA, projectA } = cast;
    expect(
      await refusal(
        member.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectA.id,
          version: projectA.version,
          patch: { name: 'not mine' },
        }),
      ),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    const denied = await t.database.handle.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'authz.denied')
      .where('actor_id', '=', member.userId)
      .execute();
    expect(denied.map((d) => d.details)).toContainEqual(
      expect.objectContaining({ procedure: 'projects.update', policy: 'FORBIDDEN' }),
    );
    const row = await t.database.handle.db
      .selectFrom('projects')
      .select(['name', 'version'])
      .where('id', '=', projectA.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'alpha', version: projectA.version });
  });
});
