import { sampleValueOf } from '../field-code';
import type { Resource } from '../resource';
import type { TestParts } from './resource-test-parts';

/**
 * The org-scoped resource's own tests: a cast in two orgs (A's owner is also a viewer in B,
 * which is what the org condition of every query is for), BOLA across orgs, roles, ownership
 * and row-level security by org.
 */
export function orgTestSections(
  r: Resource,
  parts: TestParts,
): {
  imports: string;
  setup: string;
  tests: string;
  rls: string;
} {
  const n = r.names;
  const api = n.camelPlural;
  const { first, changed, bulkColumns, bulkValues } = parts;
  const imports = `import {
  createMailCapture,
  tokenFromMail,
  type MailCapture,
} from '../support/mail-capture';
import { memberOf, type SignedIn } from '../support/two-orgs';`;
  const setup = `  let mail: MailCapture;
  beforeAll(() => {
    mail = createMailCapture();
  });
  const t = useTestApp(() => ({ kind, mailTransport: mail }));
  const tokenFor = async (email: string): Promise<string> =>
    tokenFromMail(await mail.waitFor(email, /invited/));
  let owner: SignedIn;
  let stranger: SignedIn;
  let viewer: SignedIn;
  let member: SignedIn;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    owner = await signInUser(t.url, '${n.kebabPlural}-owner@example.com');
    stranger = await signInUser(t.url, '${n.kebabPlural}-stranger@example.com');
    orgA = (await owner.trpc.orgs.create.mutate({ name: '${n.wordsPlural} A' })).id;
    orgB = (await stranger.trpc.orgs.create.mutate({ name: '${n.wordsPlural} B' })).id;
    const email = (who: string): string => \`${n.kebabPlural}-\${who}@example.com\`;
    viewer = await memberOf(t, owner, orgA, email('viewer'), 'viewer', tokenFor);
    member = await memberOf(t, owner, orgA, email('member'), 'member', tokenFor);
    // A's owner is also a viewer in B: one caller, two orgs, which is what org scoping is for.
    await stranger.trpc.orgs.members.invite.mutate({
      orgId: orgB,
      email: '${n.kebabPlural}-owner@example.com',
      role: 'viewer',
    });
    await owner.trpc.orgs.invitations.accept.mutate({
      token: await tokenFor('${n.kebabPlural}-owner@example.com'),
    });
  });
`;
  const ownership = r.owned
    ? `
  it('a member changes only their own ${n.wordsPlural}; an owner changes any', async () => {
    const own = await member.trpc.${api}.create.mutate({ orgId: orgA, ...sample(30) });
    const renamed = await member.trpc.${api}.update.mutate({
      orgId: orgA,
      id: own.id,
      version: own.version,
      patch: { ${first.name}: ${changed} },
    });
    expect(renamed.version).toBe(2);
    const others = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(31) });
    expect(
      await refusal(
        member.trpc.${api}.update.mutate({
          orgId: orgA,
          id: others.id,
          version: others.version,
          patch: { ${first.name}: ${changed} },
        }),
      ),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect(
      await refusal(member.trpc.${api}.delete.mutate({ orgId: orgA, id: others.id })),
    ).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect((await owner.trpc.${api}.get.query({ orgId: orgA, id: others.id })).version).toBe(1);
    const byOwner = await owner.trpc.${api}.update.mutate({
      orgId: orgA,
      id: own.id,
      version: renamed.version,
      patch: { ${first.name}: ${sampleValueOf(first, 8)} },
    });
    expect(byOwner.version).toBe(3);
    expect(byOwner.ownerId).toBe(member.userId);
  });
`
    : `
  it('any member of the org changes its ${n.wordsPlural}', async () => {
    const others = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(31) });
    const changed = await member.trpc.${api}.update.mutate({
      orgId: orgA,
      id: others.id,
      version: others.version,
      patch: { ${first.name}: ${changed} },
    });
    expect(changed.version).toBe(2);
    expect(changed.ownerId).toBe(owner.userId);
  });
`;
  const tests = `
  it('another org’s ${n.words} answers NOT_FOUND and is left unchanged (BOLA)', async () => {
    const theirs = await stranger.trpc.${api}.create.mutate({ orgId: orgB, ...sample(10) });
    const ours = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(11) });
    // Not a member of A: A does not exist for them.
    expect(
      await refusal(stranger.trpc.${api}.get.query({ orgId: orgA, id: ours.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    // A member of both, through the org where they may write, at the other org's row.
    const ref = { orgId: orgA, id: theirs.id };
    for (const attempt of [
      () => owner.trpc.${api}.get.query(ref),
      () =>
        owner.trpc.${api}.update.mutate({
          ...ref,
          version: 1,
          patch: { ${first.name}: ${changed} },
        }),
      () => owner.trpc.${api}.delete.mutate(ref),
    ])
      expect(await refusal(attempt())).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    const listed = await owner.trpc.${api}.list.query({ orgId: orgA, limit: 100 });
    expect(listed.${api}.every((x) => x.orgId === orgA)).toBe(true);
    expect(listed.${api}.some((x) => x.id === theirs.id)).toBe(false);
    expect(await stranger.trpc.${api}.get.query({ orgId: orgB, id: theirs.id })).toEqual(theirs);
  });

  it('a viewer reads but may not create, change or delete (FORBIDDEN)', async () => {
    const row = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(20) });
    expect((await viewer.trpc.${api}.get.query({ orgId: orgA, id: row.id })).id).toBe(row.id);
    const before = await count(orgA);
    for (const attempt of [
      () => viewer.trpc.${api}.create.mutate({ orgId: orgA, ...sample(21) }),
      () =>
        viewer.trpc.${api}.update.mutate({
          orgId: orgA,
          id: row.id,
          version: row.version,
          patch: { ${first.name}: ${changed} },
        }),
      () => viewer.trpc.${api}.delete.mutate({ orgId: orgA, id: row.id }),
    ])
      expect(await refusal(attempt())).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect(await count(orgA)).toBe(before);
    expect(await owner.trpc.${api}.get.query({ orgId: orgA, id: row.id })).toEqual(row);
  });
${ownership}`;
  const rls = `
  it('row-level security: no tenant settings, no rows; else only its orgs', async () => {
    await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(70) });
    await stranger.trpc.${api}.create.mutate({ orgId: orgB, ...sample(71) });
    const unscoped = await t.db.transaction().execute(async (trx) => {
      await sql\`set local role gatehouse_app\`.execute(trx);
      return (await sql<{ id: string }>\`select * from ${n.table}\`.execute(trx)).rows;
    });
    expect(unscoped).toEqual([]);
    const scoped = await t.db.transaction().execute(async (trx) => {
      await enterTenantScope(trx, stranger.userId, [orgB]);
      return (await sql<{ org_id: string }>\`select * from ${n.table}\`.execute(trx)).rows;
    });
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((x) => x.org_id === orgB)).toBe(true);
    const orgId = orgA; // not one of the stranger's orgs
    const ownerId = stranger.userId;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, stranger.userId, [orgB]);
        await sql\`insert into ${n.table} (${bulkColumns})
          select
            ${bulkValues}
          from generate_series(1, 1) as g\`.execute(trx);
      }),
    ).rejects.toThrow(/row-level security/);
  });
`;
  return { imports, setup, tests, rls };
}
