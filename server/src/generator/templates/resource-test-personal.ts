import { permissionsOf, type Resource } from '../resource';
import type { TestParts } from './resource-test-parts';

/**
 * The personal (`--no-org`) resource's own tests: two users, another user's row, keys that
 * narrow or leave the caller's reach, the owner condition of every query with row-level
 * security out of the way, and row-level security by owner.
 */
export function personalTestSections(
  r: Resource,
  parts: TestParts,
): {
  imports: string;
  setup: string;
  tests: string;
  rls: string;
} {
  const n = r.names;
  const p = permissionsOf(r);
  const api = n.camelPlural;
  const { first, changed, bulkColumns, bulkValues } = parts;
  const imports = `import type { SignedIn } from '../support/two-orgs';`;
  const setup = `  const t = useTestApp(() => ({ kind }));
  let owner: SignedIn;
  let stranger: SignedIn;
  const keyClient = async (scopes: string[], orgId?: string): Promise<TestClient> => {
    const { key } = await owner.trpc.apiKeys.create.mutate({
      name: \`${n.kebabPlural} \${scopes.join(' ')}\`,
      scopes: scopes as never,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      ...(orgId !== undefined ? { orgId } : {}),
    });
    return createTestClient(t.url, { headers: { authorization: \`Bearer \${key}\` } });
  };

  beforeAll(async () => {
    owner = await signInUser(t.url, '${n.kebabPlural}-owner@example.com');
    stranger = await signInUser(t.url, '${n.kebabPlural}-stranger@example.com');
  });
`;
  const tests = `
  it('another user’s ${n.words} answers NOT_FOUND and is left unchanged (BOLA)', async () => {
    const theirs = await stranger.trpc.${api}.create.mutate(sample(10));
    const ref = { id: theirs.id };
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
    const listed = await owner.trpc.${api}.list.query({ limit: 100 });
    expect(listed.${api}.every((x) => x.ownerId === owner.userId)).toBe(true);
    expect(listed.${api}.some((x) => x.id === theirs.id)).toBe(false);
    expect(await stranger.trpc.${api}.get.query(ref)).toEqual(theirs);
  });

  it('keys: ${p.read} reads only, an org-bound key reaches nothing', async () => {
    const row = await owner.trpc.${api}.create.mutate(sample(20));
    const reader = await keyClient(['${p.read}']);
    expect(await reader.trpc.${api}.get.query({ id: row.id })).toEqual(row);
    const before = await count(owner.userId);
    const writes = (client: TestClient): (() => Promise<unknown>)[] => [
      () => client.trpc.${api}.create.mutate(sample(21)),
      () =>
        client.trpc.${api}.update.mutate({
          id: row.id,
          version: row.version,
          patch: { ${first.name}: ${changed} },
        }),
      () => client.trpc.${api}.delete.mutate({ id: row.id }),
    ];
    for (const attempt of writes(reader))
      expect(await refusal(attempt())).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    // Personal rows lie outside every org: a key bound to one can neither hold the scope…
    const orgId = (await owner.trpc.orgs.create.mutate({ name: '${n.wordsPlural} keys' })).id;
    expect(await refusal(keyClient(['${p.read}'], orgId))).toMatchObject({
      httpStatus: 400,
      reason: 'VALIDATION_FAILED',
    });
    // …nor reach the rows with what it may hold.
    const bound = await keyClient(['self:read'], orgId);
    for (const attempt of [
      () => bound.trpc.${api}.list.query({ limit: 10 }),
      () => bound.trpc.${api}.get.query({ id: row.id }),
      ...writes(bound),
    ])
      expect(await refusal(attempt())).toMatchObject({ httpStatus: 403, reason: 'FORBIDDEN' });
    expect(await count(owner.userId)).toBe(before);
    expect(await owner.trpc.${api}.get.query({ id: row.id })).toEqual(row);
    const writer = await keyClient(['${p.read}', '${p.write}']);
    const byKey = await writer.trpc.${api}.update.mutate({
      id: row.id,
      version: row.version,
      patch: { ${first.name}: ${changed} },
    });
    expect(byKey).toMatchObject({ version: 2, ownerId: owner.userId });
  });
`;
  const rls = `
  it('every query takes the owner, even where row-level security does not apply', async () => {
    const theirs = await stranger.trpc.${api}.create.mutate(sample(65));
    await t.db.transaction().execute(async (trx) => {
      // As the tables' owner (the test's connection), the policy does not hide the row…
      const visible = await sql<{ id: string }>\`select id from ${n.table}
        where id = \${theirs.id}\`.execute(trx);
      expect(visible.rows).toHaveLength(1);
      // …so only each query's own owner condition keeps it from another user.
      expect(await find${n.pascal}(trx, owner.userId, theirs.id)).toBeUndefined();
      expect(
        await update${n.pascal}AtVersion(trx, owner.userId, theirs.id, theirs.version, {
          ${first.name}: ${changed},
        }),
      ).toBeUndefined();
      const deleted = await delete${n.pascal}(trx, owner.userId, theirs.id);
      expect(Number(deleted.numDeletedRows)).toBe(0);
      const listed = await list${n.pascalPlural}Query(trx, {
        ownerId: owner.userId,
${r.search ? `        ${r.search.name}Contains: undefined,\n` : ''}        after: undefined,
        limit: 100,
      }).execute();
      expect(listed.some((x) => x.id === theirs.id)).toBe(false);
    });
    expect(await stranger.trpc.${api}.get.query({ id: theirs.id })).toEqual(theirs);
  });

  it('row-level security: no settings, no rows; else only the user’s own', async () => {
    await owner.trpc.${api}.create.mutate(sample(70));
    await stranger.trpc.${api}.create.mutate(sample(71));
    const unscoped = await t.db.transaction().execute(async (trx) => {
      await sql\`set local role gatehouse_app\`.execute(trx);
      return (await sql<{ id: string }>\`select * from ${n.table}\`.execute(trx)).rows;
    });
    expect(unscoped).toEqual([]);
    const scoped = await t.db.transaction().execute(async (trx) => {
      await enterTenantScope(trx, stranger.userId, []);
      return (await sql<{ owner_id: string }>\`select * from ${n.table}\`.execute(trx)).rows;
    });
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((x) => x.owner_id === stranger.userId)).toBe(true);
    const ownerId = owner.userId; // not the user the settings name
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, stranger.userId, []);
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
