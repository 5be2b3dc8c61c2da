// The personal (user-scoped) pipeline step that `--no-org` resources are built on: what its
// transaction can see, who it refuses, and that a failed handler leaves nothing behind.
import { Ok } from '@gatehouse/shared';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiKeysRouter } from '../../server/src/api-keys/api-keys-router';
import { authRouter } from '../../server/src/auth/auth-router';
import { orgsRouter } from '../../server/src/orgs/orgs-router';
import { AppError } from '../../server/src/pipeline/app-error';
import { router } from '../../server/src/pipeline/trpc';
import { userProcedure } from '../../server/src/pipeline/user-procedure';
import { projectsRouter } from '../../server/src/projects/projects-router';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';
import { useTestApp } from '../support/use-test-app';

const Nothing = z.strictObject({});
const Seen = z.strictObject({
  role: z.string(),
  userId: z.string(),
  projects: z.number().int(),
  memberships: z.array(z.string()),
});

/**
 * Procedures on the real step that read what their transaction may see, with `self:read`
 * (a permission an org-bound key may hold, so only the step itself stands in its way).
 */
const probeRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  projects: projectsRouter,
  apiKeys: apiKeysRouter,
  probe: router({
    personal: userProcedure
      .meta({ permission: 'self:read' })
      .input(Nothing)
      .output(Seen)
      .query(async ({ ctx }) => {
        const db = ctx.personal.db;
        const who = await sql<{ role: string; user_id: string }>`select current_user as role,
          current_setting('gatehouse.user_id', true) as user_id`.execute(db);
        const projects = await sql<{ n: number }>`select count(*)::int as n from projects`.execute(
          db,
        );
        const memberships = await sql<{ user_id: string }>`select user_id from memberships`.execute(
          db,
        );
        return {
          role: who.rows[0]?.role ?? '',
          userId: who.rows[0]?.user_id ?? '',
          projects: projects.rows[0]?.n ?? -1,
          memberships: memberships.rows.map((r) => r.user_id),
        };
      }),
    failing: userProcedure
      .meta({ permission: 'self:write' })
      .input(Nothing)
      .output(Ok)
      .mutation(async ({ ctx }) => {
        await ctx.audit.record(ctx.personal.db, 'project.create', {
          target: { type: 'probe', id: ctx.personal.userId },
        });
        throw new AppError('CONFLICT', { message: 'fails after writing' });
      }),
  }),
});

/** The probe procedures, called with a client's cookies (or a key's bearer header). */
function probeOf(client: TestClient, url: string, headers: Record<string, string> = {}) {
  return createTRPCClient<typeof probeRouter>({
    links: [httpLink({ url: `${url}/trpc`, fetch: client.jar.fetch, headers: () => headers })],
  }).probe;
}

describe.each(DATABASE_KINDS)('the personal pipeline step (%s)', (kind) => {
  const t = useTestApp({ kind, router: probeRouter });
  let cast: TwoOrgs;
  /** The probe as a key of alice's with `self:read`, bound to `orgId` when given. */
  const keyOf = async (orgId?: string): Promise<ReturnType<typeof probeOf>> => {
    const { key } = await cast.alice.trpc.apiKeys.create.mutate({
      name: orgId ? 'bound' : 'unbound',
      scopes: ['self:read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      ...(orgId ? { orgId } : {}),
    });
    return probeOf(createTestClient(t.url), t.url, { authorization: `Bearer ${key}` });
  };
  beforeAll(async () => {
    cast = await twoOrgs(t, 'personal');
  });

  it('runs as gatehouse_app for the caller alone: no org’s rows, their memberships', async () => {
    for (const probe of [probeOf(cast.alice, t.url), await keyOf()]) {
      expect(await probe.personal.query({})).toEqual({
        role: 'gatehouse_app',
        userId: cast.alice.userId,
        projects: 0, // alice's org has a project; no org is in scope here
        memberships: [cast.alice.userId],
      });
    }
  });

  it('refuses a key bound to an org, even with the permission, and records it', async () => {
    const bound = await keyOf(cast.orgA);
    expect(await refusal(bound.personal.query({}))).toMatchObject({
      httpStatus: 403,
      reason: 'FORBIDDEN',
      message: 'A key bound to an organization cannot reach personal data',
    });
    const denied = await t.db
      .selectFrom('audit_events')
      .select(['actor_type', 'outcome', 'details'])
      .where('action', '=', 'authz.denied')
      .where('actor_type', '=', 'api_key')
      .execute();
    expect(denied).toContainEqual(
      expect.objectContaining({
        actor_type: 'api_key',
        outcome: 'denied',
        details: expect.objectContaining({ procedure: 'probe.personal', boundToOrg: true }),
      }),
    );
  });

  it('a handler that fails after writing rolls its writes back', async () => {
    expect(await refusal(probeOf(cast.bob, t.url).failing.mutate({}))).toMatchObject({
      httpStatus: 409,
      reason: 'CONFLICT',
    });
    const rows = await t.db
      .selectFrom('audit_events')
      .select('id')
      .where('target_type', '=', 'probe')
      .execute();
    expect(rows).toEqual([]);
  });
});
