// OWASP API1:2023 Broken Object Level Authorization — another tenant's ids.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe.each(DATABASE_KINDS)('API1 broken object level authorization (%s)', (kind) => {
  let cast: TwoOrgs;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'bola');
  });

  const snapshot = async () =>
    t.database.handle.db.selectFrom('projects').selectAll().orderBy('id').execute();

  it("user A cannot read, update, delete or list B's project: NOT_FOUND, unchanged", async () => {
    const { alice, orgA, orgB, projectB } = cast;
    const before = await snapshot();
    // B's project id under A's own org: not found there.
    expect(
      await refusal(alice.trpc.projects.get.query({ orgId: orgA, id: projectB.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    expect(
      await refusal(
        alice.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectB.id,
          version: 1,
          patch: { name: 'pwned' },
        }),
      ),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    expect(
      await refusal(alice.trpc.projects.delete.mutate({ orgId: orgA, id: projectB.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    // B's org id: A is not a member, so the org does not exist for A.
    expect(
      await refusal(alice.trpc.projects.get.query({ orgId: orgB, id: projectB.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    expect(await refusal(alice.trpc.projects.list.query({ orgId: orgB }))).toMatchObject({
      httpStatus: 404,
      reason: 'NOT_FOUND',
    });
    expect(
      await refusal(
        alice.trpc.projects.update.mutate({
          orgId: orgB,
          id: projectB.id,
          version: 1,
          patch: { name: 'pwned' },
        }),
      ),
    ).toMatchObject({ httpStatus: 404 });
    expect(
      await refusal(alice.trpc.projects.delete.mutate({ orgId: orgB, id: projectB.id })),
    ).toMatchObject({ httpStatus: 404 });
    expect(await refusal(alice.trpc.orgs.members.list.query({ orgId: orgB }))).toMatchObject({
      httpStatus: 404,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('a foreign id and a random id answer exactly alike (ids cannot be probed)', async () => {
    const { alice, orgA, projectB, orgB } = cast;
    const body = async (orgId: string, id: string) => {
      const res = await alice.jar.fetch(
        `${t.url}/trpc/projects.get?input=${encodeURIComponent(JSON.stringify({ orgId, id }))}`,
      );
      const json = (await res.json()) as {
        error: { message: string; data: { reason: string; httpStatus: number } };
      };
      return { status: res.status, message: json.error.message, reason: json.error.data.reason };
    };
    expect(await body(orgA, projectB.id)).toEqual(
      await body(orgA, '00000000-0000-4000-8000-000000000000'),
    );
    expect(await body(orgB, projectB.id)).toEqual(
      await body('00000000-0000-4000-8000-000000000000', projectB.id),
    );
  });

  it("A's list never contains B's rows", async () => {
    const { alice, orgA, projectB } = cast;
    const page = await alice.trpc.projects.list.query({ orgId: orgA, limit: 100 });
    expect(page.projects.some((p) => p.id === projectB.id)).toBe(false);
    expect(page.projects.every((p) => p.orgId === orgA)).toBe(true);
  });

  it("a user cannot revoke another user's session by id", async () => {
    const { alice, bob } = cast;
    const bobSession = (await bob.trpc.auth.me.query()).session?.id ?? '';
    expect(await refusal(alice.trpc.sessions.revoke.mutate({ id: bobSession }))).toMatchObject({
      httpStatus: 404,
    });
    expect((await bob.trpc.auth.me.query()).session?.id).toBe(bobSession);
  });
});
