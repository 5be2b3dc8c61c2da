import { randomUUID } from 'node:crypto';
import type { Org, OrgRole } from '@gatehouse/shared';
import { sql } from 'kysely';
import { AppError } from '../pipeline/app-error';
import { actorOf } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { enterTenantScope, type Tenant } from '../pipeline/tenant-scope';
import { insertMembership, membershipsOf } from './membership-queries';
import { toOrg } from './to-org';

type Authed = Context & { principal: Principal };
type InOrg = Authed & { tenant: Tenant };

/** Creates an organization; the caller becomes its owner. */
export async function createOrg(ctx: Authed, name: string): Promise<Org> {
  const { deps, principal } = ctx;
  const id = randomUUID();
  const org = await deps.db.transaction().execute(async (trx) => {
    await enterTenantScope(trx, principal.userId, [id]);
    const row = await trx
      .insertInto('orgs')
      .values({ id, name, created_by: principal.userId })
      .returning(['id', 'name', 'require_mfa', 'created_at'])
      .executeTakeFirstOrThrow();
    await insertMembership(trx, id, principal.userId, 'owner');
    await deps.audit.append(trx, {
      action: 'org.create',
      actor: actorOf(principal),
      target: { type: 'org', id },
      orgId: id,
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return row;
  });
  return toOrg(org, 'owner');
}

/** The caller's organizations (an org-bound key sees only its own). */
export async function listMyOrgs(ctx: Authed): Promise<{ orgs: Org[] }> {
  const { deps, principal } = ctx;
  const rows = await deps.db.transaction().execute(async (trx) => {
    await enterTenantScope(trx, principal.userId, []);
    return membershipsOf(trx, principal.userId);
  });
  return {
    orgs: rows
      .filter((r) => principal.orgId === undefined || r.org_id === principal.orgId)
      .map((r) =>
        toOrg(
          { id: r.org_id, name: r.name, require_mfa: r.require_mfa, created_at: r.created_at },
          r.role,
        ),
      ),
  };
}

export async function getOrg(ctx: InOrg): Promise<Org> {
  const row = await ctx.tenant.db
    .selectFrom('orgs')
    .select(['id', 'name', 'require_mfa', 'created_at'])
    .where('id', '=', ctx.tenant.orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: 'No such organization' });
  return toOrg(row, ctx.tenant.role);
}

/** Renames the org or sets whether its members must use MFA. */
export async function updateOrg(
  ctx: InOrg,
  patch: { name?: string | undefined; requireMfa?: boolean | undefined },
): Promise<Org> {
  const { db, orgId, role } = ctx.tenant;
  const row = await db
    .updateTable('orgs')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.requireMfa !== undefined ? { require_mfa: patch.requireMfa } : {}),
      id: sql`id`,
    })
    .where('id', '=', orgId)
    .returning(['id', 'name', 'require_mfa', 'created_at'])
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: 'No such organization' });
  await ctx.deps.audit.append(db, {
    action: 'org.update',
    actor: actorOf(ctx.principal),
    target: { type: 'org', id: orgId },
    orgId,
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: { name: patch.name, requireMfa: patch.requireMfa },
  });
  return toOrg(row, role satisfies OrgRole);
}
