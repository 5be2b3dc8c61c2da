// Row-level security: even a query that forgets its WHERE sees only the caller's tenants.
import { OrgRef } from '@gatehouse/shared';
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { authRouter } from '../../server/src/auth/auth-router';
import { createApp } from '../../server/src/create-app';
import { orgsRouter } from '../../server/src/orgs/orgs-router';
import { orgProcedure } from '../../server/src/pipeline/org-procedure';
import { enterTenantScope } from '../../server/src/pipeline/tenant-scope';
import { router } from '../../server/src/pipeline/trpc';
import { projectsRouter } from '../../server/src/projects/projects-router';
import { GENEROUS_LIMITS } from '../support/generous-limits';
import { createMailCapture, registerMailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { testConfig, type TestApp } from '../support/test-app';
import { useTestApp } from '../support/use-test-app';
import { migrateToLatest } from '../../server/src/db/migrator';
import {
  createPostgresDatabase,
  createTestDatabase,
  dropPostgresDatabase,
} from '../support/test-database';
import { DATABASE_KINDS, TEST_DATABASE_URL } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe.each(DATABASE_KINDS)('row-level security (%s)', (kind) => {
  let cast: TwoOrgs;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'rls');
  });

  it('an unscoped SELECT * FROM projects in A’s context gets only A’s rows', async () => {
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

  it('refuses to write into another tenant, and sees no memberships but its own', async () => {
    const db = t.database.handle.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await enterTenantScope(trx, cast.alice.userId, [cast.orgA]);
        await sql`insert into projects (org_id, name) values (${cast.orgB}, 'smuggled')`.execute(
          trx,
        );
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

/**
 * A procedure that forgets its WHERE on purpose, built on the real
 * org-scoped pipeline: what it sees is what row-level security lets through
 * for the settings and role the pipeline itself put on the transaction.
 */
const Rows = z.strictObject({
  projects: z.array(z.strictObject({ id: z.string(), orgId: z.string() })),
  memberships: z.array(z.strictObject({ orgId: z.string(), userId: z.string() })),
});
const probeRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  projects: projectsRouter,
  probe: router({
    unscoped: orgProcedure
      .meta({ permission: 'project:read' })
      .input(OrgRef)
      .output(Rows)
      .query(async ({ ctx }) => {
        const projects = await sql<{ id: string; org_id: string }>`select * from projects`.execute(
          ctx.tenant.db,
        );
        const memberships = await sql<{
          org_id: string;
          user_id: string;
        }>`select * from memberships`.execute(ctx.tenant.db);
        return {
          projects: projects.rows.map((r) => ({ id: r.id, orgId: r.org_id })),
          memberships: memberships.rows.map((r) => ({ orgId: r.org_id, userId: r.user_id })),
        };
      }),
  }),
});

describe.each(DATABASE_KINDS)('row-level security through the org-scoped pipeline (%s)', (kind) => {
  let t: TestApp;
  let cast: TwoOrgs;
  let secondOrgOfA: { orgId: string; projectId: string };
  beforeAll(async () => {
    const database = await createTestDatabase(kind);
    const config = testConfig(GENEROUS_LIMITS);
    // Its mail is captured like startTestApp's, so signInUser can verify the cast's addresses.
    const mail = createMailCapture();
    const app = await createApp({
      config,
      log: pino({ level: 'silent' }),
      database: database.handle,
      router: probeRouter,
      mailTransport: mail,
    });
    const address = await app.listen();
    const url = `http://127.0.0.1:${address.port}`;
    registerMailCapture(url, mail);
    const close = async (): Promise<void> => {
      registerMailCapture(url, undefined);
      await app.close();
      await database.destroy();
    };
    t = { app, url, database, config, close };
    cast = await twoOrgs(t, 'probe');
    const orgId = (await cast.alice.trpc.orgs.create.mutate({ name: 'probe A2' })).id;
    const projectId = (await cast.alice.trpc.projects.create.mutate({ orgId, name: 'alpha two' }))
      .id;
    secondOrgOfA = { orgId, projectId };
    // A third user's org, with a project, that nobody else belongs to.
    const carol = await signInUser(t.url, 'probe-carol@example.com');
    const orgC = (await carol.trpc.orgs.create.mutate({ name: 'probe C' })).id;
    await carol.trpc.projects.create.mutate({ orgId: orgC, name: 'charlie' });
  });
  afterAll(async () => t?.close());

  async function probe(who: TwoOrgs['alice'], orgId: string): Promise<z.infer<typeof Rows>> {
    const res = await who.jar.fetch(
      `${t.url}/trpc/probe.unscoped?input=${encodeURIComponent(JSON.stringify({ orgId }))}`,
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { result: { data: z.infer<typeof Rows> } }).result.data;
  }

  it("an unscoped SELECT * FROM projects in A's request sees only A's tenants' rows", async () => {
    const total = Number(
      (await sql<{ n: string }>`select count(*) as n from projects`.execute(t.database.handle.db))
        .rows[0]?.n,
    );
    expect(total).toBe(4);
    const seen = await probe(cast.alice, cast.orgA);
    expect(seen.projects.map((p) => p.id).sort()).toEqual(
      [cast.projectA.id, secondOrgOfA.projectId].sort(),
    );
    expect(new Set(seen.memberships.map((m) => m.orgId))).toEqual(
      new Set([cast.orgA, secondOrgOfA.orgId]),
    );
    const bobs = await probe(cast.bob, cast.orgB);
    expect(bobs.projects.map((p) => p.id)).toEqual([cast.projectB.id]);
    expect(bobs.memberships).toEqual([{ orgId: cast.orgB, userId: cast.bob.userId }]);
  });
});

describe.runIf(TEST_DATABASE_URL)('the app role is cluster-global (postgres)', () => {
  it('concurrent migrations in one cluster all create or reuse gatehouse_app', async () => {
    const databases = await Promise.all([
      createTestDatabase('postgres'),
      createTestDatabase('postgres'),
      createTestDatabase('postgres'),
    ]);
    try {
      for (const d of databases) {
        const role = await sql<{
          rolname: string;
          rolcanlogin: boolean;
          rolbypassrls: boolean;
        }>`select rolname, rolcanlogin, rolbypassrls from pg_roles where rolname =
          'gatehouse_app'`.execute(d.handle.db);
        expect(role.rows).toEqual([
          { rolname: 'gatehouse_app', rolcanlogin: false, rolbypassrls: false },
        ]);
        const forced = await sql<{
          relname: string;
        }>`select relname from pg_class where relname in ('projects', 'memberships') and
          relrowsecurity and relforcerowsecurity order by relname`.execute(d.handle.db);
        expect(forced.rows.map((r) => r.relname)).toEqual(['memberships', 'projects']);
      }
    } finally {
      await Promise.all(databases.map((d) => d.destroy()));
    }
  });

  it('a non-superuser owner is told how to grant gatehouse_app; FORCE RLS binds', async () => {
    const suffix = randomBytes(5).toString('hex');
    const roleName = `gh_owner_${suffix}`;
    // A throwaway login on the loopback cluster, dropped at the end (CREATE ROLE takes no bind
    // parameters).
    const password = 'gatehouse-test-owner';
    const admin = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 }),
      }),
    });
    const dbName = `gh_test_owner_${suffix}`;
    let owner: Kysely<any> | undefined;
    try {
      await sql`create role ${sql.id(roleName)} login password 'gatehouse-test-owner'`.execute(
        admin,
      );
      const url = new URL(await createPostgresDatabase(dbName));
      await sql`alter database ${sql.id(dbName)} owner to ${sql.id(roleName)}`.execute(admin);
      url.username = roleName;
      url.password = password;
      owner = new Kysely<any>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: url.toString(), max: 1 }),
        }),
      });

      const refused = await migrateToLatest(owner);
      expect(String(refused.error)).toContain(`GRANT gatehouse_app TO "${roleName}"`);
      await sql`grant gatehouse_app to ${sql.id(roleName)}`.execute(admin);
      expect((await migrateToLatest(owner)).error).toBeUndefined();

      // Two tenants' rows, written (as the owner) under each tenant's settings.
      const ids: Record<'a' | 'b', string> = { a: '', b: '' };
      for (const key of ['a', 'b'] as const) {
        ids[key] = await owner.transaction().execute(async (trx) => {
          const org = await sql<{
            id: string;
          }>`insert into orgs (name) values (${key}) returning id`.execute(trx);
          const orgId = org.rows[0]?.id ?? '';
          await sql`select set_config('gatehouse.org_ids', ${orgId}, true)`.execute(trx);
          await sql`insert into projects (org_id, name) values (${orgId}, ${key})`.execute(trx);
          return orgId;
        });
      }
      // The owner itself, with no tenant settings, sees no rows; with A's settings, only A's; no
      // SET ROLE involved.
      expect((await sql`select * from projects`.execute(owner)).rows).toEqual([]);
      const scoped = await owner.transaction().execute(async (trx) => {
        await sql`select set_config('gatehouse.org_ids', ${ids.a}, true)`.execute(trx);
        return (await sql<{ org_id: string }>`select * from projects`.execute(trx)).rows;
      });
      expect(scoped.map((r) => r.org_id)).toEqual([ids.a]);
    } finally {
      await owner?.destroy();
      await dropPostgresDatabase(dbName);
      await sql`drop role if exists ${sql.id(roleName)}`.execute(admin);
      await admin.destroy();
    }
  });
});
