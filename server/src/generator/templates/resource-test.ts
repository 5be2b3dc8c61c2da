import { omittableOnCreate } from '../field-spec';
import { invalidValuesOf, sampleValueOf } from '../field-code';
import { auditActionsOf, headerOf, scopeOf, type Resource } from '../resource';
import { orgTestSections } from './resource-test-org';
import { personalTestSections } from './resource-test-personal';
import { testPartsOf } from './resource-test-parts';

/** Any uuid that names nothing the caller may smuggle in. */
const FOREIGN_ID = "'00000000-0000-4000-8000-000000000000'";

/**
 * `test/resources/<plural>.test.ts`: the guarantees, tried as attacks through the real HTTP
 * server on every database kind. Each fails when its guarantee is removed: the org (or owner)
 * condition of a query, the policy, the strict schemas, the version check, the migration's
 * row-level security, the page index.
 */
export function resourceTestFile(r: Resource): string {
  const n = r.names;
  const a = auditActionsOf(r);
  const sc = scopeOf(r);
  const api = n.camelPlural;
  const parts = testPartsOf(r);
  const { first, changed, bulkColumns, bulkValues } = parts;
  const own = r.personal ? personalTestSections(r, parts) : orgTestSections(r, parts);
  /** What every call's input starts with, and the scope the rows are counted in. */
  const o = r.personal ? '' : 'orgId: orgA, ';
  const scopeId = r.personal ? 'owner.userId' : 'orgA';
  const writer = r.personal ? 'owner' : 'member';
  const sampleFn = r.fields
    .map((f) => {
      const v = sampleValueOf(f, 1);
      return f.kind === 'string' || f.kind === 'text'
        ? `    ${f.name}: \`${f.name} \${n}\`` +
            `.padEnd(${Math.max(f.min ?? 0, 1)}, 'x').slice(0, ${f.max ?? 200}),`
        : `    ${f.name}: ${v},`;
    })
    .join('\n');
  const required = r.fields.filter((f) => !omittableOnCreate(f));
  const invalid = r.fields.flatMap((f) =>
    invalidValuesOf(f).map((v) => `    ['${f.name}', ${v.value}, '${v.why}'],`),
  );
  const smuggledCreate = r.personal
    ? [`{ ownerId: stranger.userId }`, `{ orgId: ${FOREIGN_ID} }`]
    : [`{ ownerId: owner.userId }`];
  const smuggledPatch = r.personal
    ? [`{ orgId: ${FOREIGN_ID} }`, `{ ownerId: stranger.userId }`]
    : [`{ orgId: orgB }`, `{ ownerId: owner.userId }`];
  const queries = (
    r.personal
      ? [
          `delete${n.pascal}`,
          `find${n.pascal}`,
          `list${n.pascalPlural}Query`,
          `update${n.pascal}AtVersion`,
        ]
      : [`list${n.pascalPlural}Query`]
  ).join(', ');
  const clientImports = r.personal ? 'createTestClient, refusal, type TestClient' : 'refusal';
  const sampleType = r.personal
    ? `Create${n.pascal}Input`
    : `Omit<Create${n.pascal}Input, 'orgId'>`;
  const smuggledNames = `${r.personal ? 'orgId, ' : ''}ownerId, version and id`;
  const growScopes = r.personal
    ? `for (const ownerId of [owner.userId, stranger.userId])`
    : `for (const [orgId, ownerId] of [
        [orgA, owner.userId],
        [orgB, stranger.userId],
      ] as const)`;
  return `${headerOf(r)}
import type { Create${n.pascal}Input } from '@gatehouse/shared';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { enterTenantScope } from '../../server/src/pipeline/tenant-scope';
import { ${queries} } from '../../server/src/${n.kebabPlural}/${n.kebab}-queries';
${own.imports}
import { signInUser } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { ${clientImports} } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

/** A valid create input; \`n\` makes rows distinct. */
function sample(n: number): ${sampleType} {
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
${own.setup}
  const count = async (scope: string): Promise<number> =>
    Number(
      (
        await t.db
          .selectFrom('${n.table}')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('${sc.column}', '=', scope)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates, reads, pages, updates and deletes, and audits each change', async () => {
    const made = [];
    for (const i of [1, 2, 3])
      made.push(await owner.trpc.${api}.create.mutate({ ${o}...sample(i) }));
    const [one] = made;
    if (!one) throw new Error('created nothing');
    expect(one).toMatchObject({ ${o}ownerId: owner.userId, version: 1, ...sample(1) });
    expect(await owner.trpc.${api}.get.query({ ${o}id: one.id })).toEqual(one);
    const first = await ${r.personal ? 'owner' : 'viewer'}.trpc.${api}.list.query({ ${o}limit: 2 });
    expect(first.${api}).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await ${r.personal ? 'owner' : 'viewer'}.trpc.${api}.list.query({
      ${o}limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    const seen = [...first.${api}, ...second.${api}].map((x) => x.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made.map((x) => x.id)));
    const updated = await owner.trpc.${api}.update.mutate({
      ${o}id: one.id,
      version: 1,
      patch: { ${first.name}: ${changed} },
    });
    expect(updated).toMatchObject({ version: 2, ${first.name}: ${changed} });
    expect(await owner.trpc.${api}.delete.mutate({ ${o}id: one.id })).toEqual({
      ok: true,
    });
    expect(
      await refusal(owner.trpc.${api}.get.query({ ${o}id: one.id })),
    ).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
    const audited = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id', 'org_id'])
      .where('target_id', '=', one.id)
      .orderBy('id')
      .execute();
    const orgId = ${r.personal ? 'null' : 'orgA'};
    expect(audited).toEqual([
      { action: '${a.create}', actor_id: owner.userId, org_id: orgId },
      { action: '${a.update}', actor_id: owner.userId, org_id: orgId },
      { action: '${a.delete}', actor_id: owner.userId, org_id: orgId },
    ]);
  });
${own.tests}
  it('refuses ${smuggledNames} in the input (mass assignment)', async () => {
    const row = await ${writer}.trpc.${api}.create.mutate({ ${o}...sample(40) });
    const before = await count(${scopeId});
    const smuggled: Record<string, unknown>[] = [
${smuggledCreate.map((s) => `      ${s},`).join('\n')}
      { version: 9 },
      { id: row.id },
      { createdAt: '2020-01-01T00:00:00.000Z' },
    ];
    for (const extra of smuggled) {
      const input = { ${o}...sample(41), ...extra };
      expect(
        await refusal(${writer}.trpc.${api}.create.mutate(input as never)),
      ).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_FAILED' });
    }
    const patches = [${smuggledPatch.join(', ')}, { version: 9 }, { id: row.id }];
    for (const extra of patches) {
      const input = { ${o}id: row.id, version: row.version, patch: extra };
      expect(
        await refusal(${writer}.trpc.${api}.update.mutate(input as never)),
      ).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_FAILED' });
    }
    expect(await count(${scopeId})).toBe(before);
    expect(await ${writer}.trpc.${api}.get.query({ ${o}id: row.id })).toEqual(row);
  });

  const invalid: readonly [field: string, value: unknown, why: string][] = [
${invalid.join('\n')}
  ];
  it.each(invalid)('refuses %s = %j (%s) on create and update', async (field, value) => {
    const row = await owner.trpc.${api}.create.mutate({ ${o}...sample(50) });
    const before = await count(${scopeId});
    const create = { ${o}...sample(51), [field]: value };
    expect(await refusal(owner.trpc.${api}.create.mutate(create as never))).toMatchObject({
      httpStatus: 400,
      reason: 'VALIDATION_FAILED',
    });
    const update = { ${o}id: row.id, version: row.version, patch: { [field]: value } };
    expect(await refusal(owner.trpc.${api}.update.mutate(update as never))).toMatchObject({
      httpStatus: 400,
      reason: 'VALIDATION_FAILED',
    });
    expect(await count(${scopeId})).toBe(before);
    expect(await owner.trpc.${api}.get.query({ ${o}id: row.id })).toEqual(row);
  });
${
  required.length > 0
    ? `
  it('refuses a create without a required field', async () => {
    for (const field of [${required.map((f) => `'${f.name}'`).join(', ')}]) {
      const input: Record<string, unknown> = { ${o}...sample(55) };
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
    const row = await owner.trpc.${api}.create.mutate({ ${o}...sample(60) });
    const next = await owner.trpc.${api}.update.mutate({
      ${o}id: row.id,
      version: row.version,
      patch: { ${first.name}: ${changed} },
    });
    expect(
      await refusal(
        owner.trpc.${api}.update.mutate({
          ${o}id: row.id,
          version: row.version,
          patch: { ${first.name}: ${sampleValueOf(first, 8)} },
        }),
      ),
    ).toMatchObject({ httpStatus: 409, reason: 'CONFLICT' });
    expect(await owner.trpc.${api}.get.query({ ${o}id: row.id })).toEqual(next);
  });
${own.rls}
  it('the page query stays on an index at 1,000 and 100,000 rows', async () => {
    const grow = async (rows: number): Promise<void> => {
      ${growScopes}
        await sql\`insert into ${n.table} (${bulkColumns})
          select
            ${bulkValues}
          from generate_series(1, \${rows / 2}) as g\`.execute(t.db);
      await sql\`analyze ${n.table}\`.execute(t.db);
    };
    const plan = async (): Promise<string[]> =>
      t.db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, owner.userId, ${r.personal ? '[]' : '[orgA, orgB]'});
        const query = list${n.pascalPlural}Query(trx, {
          ${sc.param}: ${scopeId},
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
