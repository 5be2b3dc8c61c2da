// Row-level security: even a query that forgets its WHERE sees only the caller's tenants.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterTenantScope } from '../../server/src/pipeline/tenant-scope';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe.each(DATABASE_KINDS)('row-level security (%s)', (kind) => {
  let t: TestApp;
  let cast: TwoOrgs;
  beforeAll(async () => {
    t = await startTestApp(kind, { RATE_LIMIT_AUTH_PER_MINUTE: '10000' });
    cast = await twoOrgs(t, 'rls');
  });
  afterAll(async () => t?.close());

  it('a deliberately unscoped SELECT * FROM projects in A’s context returns only A’s tenants’ rows', async () => {
    const db = t.database.handle.db;
    const all = await sql<{ id: string }>`select * from projects`.execute(db);
    expect(all.rows.length).toBeGreaterThanOrEqual(2); // the connection itself sees everything
    const rows = await db.transaction().execute(async (trx) => {
      await enterTenantScope(trx, cast.alice.userId, [cast.orgA]);
      return (await sql<{ id: string; org_id: string }>`select * from projects`.execute(trx)).rows;
    });
    expect(rows.map((r) => r.id)).toEqual([cast.projectA.id]);
    expect(rows.every((r) => r.org_id === cast.orgA)).toBe(true);
  });

  it('refuses to write a row into another tenant, and sees no memberships but its own', async () => {
    const db = t.database.handle.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, cast.alice.userId, [cast.orgA]);
        await sql`insert into projects (org_id, name) values (${cast.orgB}, 'smuggled')`.execute(trx);
      }),
    ).rejects.toThrow(/row-level security/);
    const memberships = await db.transaction().execute(async (trx) => {
      await enterTenantScope(trx, cast.alice.userId, [cast.orgA]);
      return (await sql<{ org_id: string }>`select * from memberships`.execute(trx)).rows;
    });
    expect(memberships.map((m) => m.org_id)).toEqual([cast.orgA]);
  });

  it('with no tenant settings at all, the app role sees nothing', async () => {
    const rows = await t.database.handle.db.transaction().execute(async (trx) => {
      await sql`set local role gatehouse_app`.execute(trx);
      return (await sql`select * from projects`.execute(trx)).rows;
    });
    expect(rows).toEqual([]);
  });
});
