import type { OrgRole } from '@gatehouse/shared';
import { sql } from 'kysely';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/use-test-app';
import { DATABASE_KINDS } from '../../../test/support/test-env';
import { inviteMember, leaveOrg, removeMember, setMemberRole } from '../../src/orgs/member-service';
import { RequestAudit } from '../../src/audit/request-audit';
import { ORG_ROLE_PERMISSIONS } from '../../src/orgs/org-roles';
import { AppError } from '../../src/pipeline/app-error';
import { GLOBAL_ROLE_PERMISSIONS } from '../../src/pipeline/global-roles';
import type { Principal } from '../../src/pipeline/principal';
import { enterTenantScope } from '../../src/pipeline/tenant-scope';

/** The widest service context (the invitation also mails). */
type InOrg = Parameters<typeof inviteMember>[0];

// The pipeline reads the caller's role when the request starts; a concurrent
// change can land before the service takes the owners' locks. The service
// must judge the role as it is under the lock, not the one it was handed.
describe.each(DATABASE_KINDS)('member service under a stale role (%s)', (kind) => {
  let orgId: string;
  const users: Record<'alice' | 'dave' | 'erin', string> = { alice: '', dave: '', erin: '' };

  const t = useTestApp({ kind });

  beforeEach(async () => {
    const db = t.database.handle.db;
    const suffix = Math.random().toString(36).slice(2);
    for (const name of ['alice', 'dave', 'erin'] as const) {
      const row = await db
        .insertInto('users')
        .values({
          email: `${name}-${suffix}@example.com`,
          name,
          password_hash: 'not a hash',
          email_verified_at: new Date(),
          locked_at: null,
          mfa_enabled_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      users[name] = row.id;
    }
    orgId = (
      await db
        .insertInto('orgs')
        .values({ name: `stale ${suffix}`, created_by: users.alice })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto('memberships')
      .values([
        { org_id: orgId, user_id: users.alice, role: 'owner' },
        { org_id: orgId, user_id: users.dave, role: 'viewer' }, // demoted from admin a moment ago
        { org_id: orgId, user_id: users.erin, role: 'member' },
      ])
      .execute();
  });

  function principal(userId: string): Principal {
    return {
      kind: 'session',
      userId,
      email: `${userId}@example.com`,
      role: 'user',
      permissions: GLOBAL_ROLE_PERMISSIONS.user,
      scopes: undefined,
      emailVerified: true,
      sessionId: undefined,
      apiKeyId: undefined,
      orgId: undefined,
      authLevel: 'password',
      reauthenticatedAt: undefined,
    };
  }

  /** Runs `act` as `userId` inside a tenant transaction whose role says `believedRole`. */
  async function asStale<T>(
    userId: string,
    believedRole: OrgRole,
    act: (ctx: InOrg) => Promise<T>,
  ): Promise<T> {
    return t.database.handle.db.transaction().execute(async (trx) => {
      await enterTenantScope(trx, userId, [orgId]);
      const me = principal(userId);
      const request = { principal: me, ip: '127.0.0.1', requestId: 'test' };
      const ctx = {
        ...request,
        log: pino({ level: 'silent' }),
        deps: t.app.deps,
        principal: me,
        audit: new RequestAudit(t.app.deps.audit, {
          ...request,
          log: pino({ level: 'silent' }),
        }).inOrg(orgId),
        tenant: {
          db: trx,
          orgId,
          role: believedRole,
          permissions: ORG_ROLE_PERMISSIONS[believedRole],
          requireMfa: false,
          // The announcement is the pipeline's job; these tests call the service directly.
          afterCommit: () => undefined,
        },
      };
      return act(ctx);
    });
  }

  async function reason(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof AppError) return err.reason;
      throw err;
    }
    throw new Error('expected a refusal');
  }

  const roles = async (): Promise<Record<string, string>> => {
    const rows = await t.database.handle.db
      .selectFrom('memberships')
      .select(['user_id', 'role'])
      .where('org_id', '=', orgId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
  };

  it('a caller demoted to viewer cannot change roles, remove or invite: FORBIDDEN', async () => {
    const before = await roles();
    expect(
      await reason(
        asStale(users.dave, 'admin', (ctx) =>
          setMemberRole(ctx, { userId: users.erin, role: 'admin' }),
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(await reason(asStale(users.dave, 'admin', (ctx) => removeMember(ctx, users.erin)))).toBe(
      'FORBIDDEN',
    );
    expect(
      await reason(
        asStale(users.dave, 'admin', (ctx) =>
          inviteMember(ctx, { email: 'stale-invitee@example.com', role: 'admin' }),
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(await roles()).toEqual(before);
    const invitations = await t.database.handle.db
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('purpose', '=', 'org_invitation')
      .where(sql<boolean>`data->>'email' = ${'stale-invitee@example.com'}`)
      .execute();
    expect(invitations).toEqual([]);
  });

  it('a caller removed meanwhile gets NOT_FOUND, like any non-member', async () => {
    await t.database.handle.db
      .deleteFrom('memberships')
      .where('org_id', '=', orgId)
      .where('user_id', '=', users.dave)
      .execute();
    expect(
      await reason(
        asStale(users.dave, 'admin', (ctx) =>
          setMemberRole(ctx, { userId: users.erin, role: 'viewer' }),
        ),
      ),
    ).toBe('NOT_FOUND');
    expect((await roles())[users.erin]).toBe('member');
  });

  it('an owner demoted meanwhile cannot demote the remaining owner', async () => {
    // Erin believes she is still an owner; the table says member.
    expect(
      await reason(
        asStale(users.erin, 'owner', (ctx) =>
          setMemberRole(ctx, { userId: users.alice, role: 'member' }),
        ),
      ),
    ).toBe('FORBIDDEN');
    expect((await roles())[users.alice]).toBe('owner');
  });

  it('judges leaving by the current role: an ex-owner may, the last owner not', async () => {
    expect(await asStale(users.erin, 'owner', (ctx) => leaveOrg(ctx))).toEqual({ ok: true });
    expect(await reason(asStale(users.alice, 'owner', (ctx) => leaveOrg(ctx)))).toBe('LAST_OWNER');
    expect(Object.keys(await roles()).sort()).toEqual([users.alice, users.dave].sort());
  });
});
