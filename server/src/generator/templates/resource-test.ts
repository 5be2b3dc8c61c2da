import { omittableOnCreate } from '../field-spec';
import { bulkSqlOf, invalidValuesOf, sampleValueOf } from '../field-code';
import { auditActionsOf, headerOf, type Resource } from '../resource';

/**
 * `test/resources/<plural>.test.ts`: the guarantees, tried as attacks through the real HTTP
 * server on every database kind. Each fails when its guarantee is removed: the org condition
 * of a query (the caller in two orgs), the policy, the strict schemas, the version check, the
 * migration's row-level security, the page index.
 */
export function resourceTestFile(r: Resource): string {
  const n = r.names;
  const a = auditActionsOf(r);
  const api = n.camelPlural;
  const first = r.fields[0];
  if (!first) throw new Error('a resource has at least one field');
  const sampleFn = r.fields
    .map((f) => {
      const v = sampleValueOf(f, 1);
      return f.kind === 'string' || f.kind === 'text'
        ? `    ${f.name}: \`${f.name} \${n}\`` +
            `.padEnd(${Math.max(f.min ?? 0, 1)}, 'x').slice(0, ${f.max ?? 200}),`
        : `    ${f.name}: ${v},`;
    })
    .join('\n');
  const changed = sampleValueOf(first, 7);
  const required = r.fields.filter((f) => !omittableOnCreate(f));
  const invalid = r.fields.flatMap((f) =>
    invalidValuesOf(f).map((v) => `    ['${f.name}', ${v.value}, '${v.why}'],`),
  );
  const bulkColumns = ['org_id', 'owner_id', ...r.fields.map((f) => f.column)].join(', ');
  const bulkValues = ['${orgId}', '${ownerId}', ...r.fields.map(bulkSqlOf)].join(',\n            ');
  const ownedTests = r.owned
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
  return `${headerOf(r)}
import type { Create${n.pascal}Input } from '@gatehouse/shared';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { enterTenantScope } from '../../server/src/pipeline/tenant-scope';
import { list${n.pascalPlural}Query } from '../../server/src/${n.kebabPlural}/${n.kebab}-queries';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { memberOf, type SignedIn } from '../support/two-orgs';
import { useTestApp } from '../support/use-test-app';

/** A valid create input; \`n\` makes rows distinct. */
function sample(n: number): Omit<Create${n.pascal}Input, 'orgId'> {
  return {
${sampleFn}
  };
}

/** Every plan node's type in an EXPLAIN (FORMAT JSON) answer. */
function nodeTypes(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(nodeTypes);
  if (plan === null || typeof plan !== 'object') return [];
  const node = plan as Record<string, unknown>;
  const own = typeof node['Node Type'] === 'string' ? [node['Node Type']] : [];
  return [...own, ...Object.values(node).flatMap(nodeTypes)];
}

describe.each(DATABASE_KINDS)('${n.wordsPlural}: generated guarantees (%s)', (kind) => {
  let mail: MailCapture;
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
  const count = async (orgId: string): Promise<number> =>
    Number(
      (
        await t.db
          .selectFrom('${n.table}')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

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

  it('creates, reads, pages, updates and deletes, and audits each change', async () => {
    const made = [];
    for (const i of [1, 2, 3])
      made.push(await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(i) }));
    const [one] = made;
    if (!one) throw new Error('created nothing');
    expect(one).toMatchObject({ orgId: orgA, ownerId: owner.userId, version: 1, ...sample(1) });
    expect(await owner.trpc.${api}.get.query({ orgId: orgA, id: one.id })).toEqual(one);
    const first = await viewer.trpc.${api}.list.query({ orgId: orgA, limit: 2 });
    expect(first.${api}).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await viewer.trpc.${api}.list.query({
      orgId: orgA,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    const seen = [...first.${api}, ...second.${api}].map((x) => x.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made.map((x) => x.id)));
    const updated = await owner.trpc.${api}.update.mutate({
      orgId: orgA,
      id: one.id,
      version: 1,
      patch: { ${first.name}: ${changed} },
    });
    expect(updated).toMatchObject({ version: 2, ${first.name}: ${changed} });
    expect(await owner.trpc.${api}.delete.mutate({ orgId: orgA, id: one.id })).toEqual({
      ok: true,
    });
    expect(
      await refusal(owner.trpc.${api}.get.query({ orgId: orgA, id: one.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    const audited = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id', 'org_id'])
      .where('target_id', '=', one.id)
      .orderBy('id')
      .execute();
    expect(audited).toEqual([
      { action: '${a.create}', actor_id: owner.userId, org_id: orgA },
      { action: '${a.update}', actor_id: owner.userId, org_id: orgA },
      { action: '${a.delete}', actor_id: owner.userId, org_id: orgA },
    ]);
  });

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
${ownedTests}
  it('refuses orgId, ownerId, version and id in the input (mass assignment)', async () => {
    const row = await member.trpc.${api}.create.mutate({ orgId: orgA, ...sample(40) });
    const before = await count(orgA);
    const smuggled: Record<string, unknown>[] = [
      { ownerId: owner.userId },
      { version: 9 },
      { id: row.id },
      { createdAt: '2020-01-01T00:00:00.000Z' },
    ];
    for (const extra of smuggled) {
      const input = { orgId: orgA, ...sample(41), ...extra };
      expect(
        await refusal(member.trpc.${api}.create.mutate(input as never)),
      ).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_FAILED' });
    }
    const patches = [{ orgId: orgB }, { ownerId: owner.userId }, { version: 9 }, { id: row.id }];
    for (const extra of patches) {
      const input = { orgId: orgA, id: row.id, version: row.version, patch: extra };
      expect(
        await refusal(member.trpc.${api}.update.mutate(input as never)),
      ).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_FAILED' });
    }
    expect(await count(orgA)).toBe(before);
    expect(await member.trpc.${api}.get.query({ orgId: orgA, id: row.id })).toEqual(row);
  });

  const invalid: readonly [field: string, value: unknown, why: string][] = [
${invalid.join('\n')}
  ];
  it.each(invalid)('refuses %s = %j (%s) on create and update', async (field, value) => {
    const row = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(50) });
    const before = await count(orgA);
    const create = { orgId: orgA, ...sample(51), [field]: value };
    expect(await refusal(owner.trpc.${api}.create.mutate(create as never))).toMatchObject({
      httpStatus: 400,
      reason: 'VALIDATION_FAILED',
    });
    const update = { orgId: orgA, id: row.id, version: row.version, patch: { [field]: value } };
    expect(await refusal(owner.trpc.${api}.update.mutate(update as never))).toMatchObject({
      httpStatus: 400,
      reason: 'VALIDATION_FAILED',
    });
    expect(await count(orgA)).toBe(before);
    expect(await owner.trpc.${api}.get.query({ orgId: orgA, id: row.id })).toEqual(row);
  });
${
  required.length > 0
    ? `
  it('refuses a create without a required field', async () => {
    for (const field of [${required.map((f) => `'${f.name}'`).join(', ')}]) {
      const input: Record<string, unknown> = { orgId: orgA, ...sample(55) };
      delete input[field];
      expect(await refusal(owner.trpc.${api}.create.mutate(input as never))).toMatchObject({
        httpStatus: 400,
        reason: 'VALIDATION_FAILED',
      });
    }
  });
`
    : ''
}
  it('a stale version answers CONFLICT and changes nothing', async () => {
    const row = await owner.trpc.${api}.create.mutate({ orgId: orgA, ...sample(60) });
    const next = await owner.trpc.${api}.update.mutate({
      orgId: orgA,
      id: row.id,
      version: row.version,
      patch: { ${first.name}: ${changed} },
    });
    expect(
      await refusal(
        owner.trpc.${api}.update.mutate({
          orgId: orgA,
          id: row.id,
          version: row.version,
          patch: { ${first.name}: ${sampleValueOf(first, 8)} },
        }),
      ),
    ).toMatchObject({ httpStatus: 409, reason: 'CONFLICT' });
    expect(await owner.trpc.${api}.get.query({ orgId: orgA, id: row.id })).toEqual(next);
  });

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

  it('the page query stays on an index at 1,000 and 100,000 rows', async () => {
    const grow = async (rows: number): Promise<void> => {
      for (const [orgId, ownerId] of [
        [orgA, owner.userId],
        [orgB, stranger.userId],
      ] as const)
        await sql\`insert into ${n.table} (${bulkColumns})
          select
            ${bulkValues}
          from generate_series(1, \${rows / 2}) as g\`.execute(t.db);
      await sql\`analyze ${n.table}\`.execute(t.db);
    };
    const plan = async (): Promise<string[]> =>
      t.db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, owner.userId, [orgA, orgB]);
        const query = list${n.pascalPlural}Query(trx, {
          orgId: orgA,
${r.search ? `          ${r.search.name}Contains: undefined,\n` : ''}          after: undefined,
          limit: 20,
        });
        return nodeTypes(await query.explain('json'));
      });
    await grow(1_000);
    const small = await plan();
    await grow(99_000);
    const large = await plan();
    for (const nodes of [small, large]) {
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes).not.toContain('Seq Scan');
    }
  });
});
`;
}
