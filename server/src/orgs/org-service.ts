import { randomUUID } from 'node:crypto';
import type { Org } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import { enterTenantScope } from '../pipeline/tenant-scope';
import { insertMembership, membershipsOf } from './membership-queries';
import type { OrgCaller, OrgMemberCaller } from './org-context';
import { findOrg, insertOrg, updateOrgRow } from './org-queries';
import { toOrg } from './to-org';

const NOT_FOUND = (): AppError => new AppError('NOT_FOUND', { message: 'No such organization' });

/** Creates an organization; the caller becomes its owner. */
export async function createOrg(ctx: OrgCaller, name: string): Promise<Org> {
  const { deps, principal } = ctx;
  const id = randomUUID();
  const org = await deps.db.transaction().execute(async (trx) => {
    await enterTenantScope(trx, principal.userId, [id]);
    const row = await insertOrg(trx, { id, name, createdBy: principal.userId });
    await insertMembership(trx, id, principal.userId, 'owner');
    await ctx.audit.inOrg(id).record(trx, 'org.create', { target: { type: 'org', id } });
    return row;
  });
  await deps.membershipsChanged({ userIds: [principal.userId] });
  return toOrg(org, 'owner');
}

/** The caller's organizations (an org-bound key sees only its own). */
export async function listMyOrgs(ctx: OrgCaller): Promise<{ orgs: Org[] }> {
  const { deps, principal } = ctx;
  const rows = await deps.db.transaction().execute(async (trx) => {
    await enterTenantScope(trx, principal.userId, []);
    return membershipsOf(trx, principal.userId);
  });
  return {
    orgs: rows
      .filter((r) => principal.orgId === undefined || r.org_id === principal.orgId)
      .map((r) => toOrg({ ...r, id: r.org_id }, r.role)),
  };
}

export async function getOrg(ctx: OrgMemberCaller): Promise<Org> {
  const row = await findOrg(ctx.tenant.db, ctx.tenant.orgId);
  if (!row) throw NOT_FOUND();
  return toOrg(row, ctx.tenant.role);
}

/** Renames the org or sets whether its members must use MFA. */
export async function updateOrg(
  ctx: OrgMemberCaller,
  patch: { name?: string | undefined; requireMfa?: boolean | undefined },
): Promise<Org> {
  const { db, orgId, role } = ctx.tenant;
  const row = await updateOrgRow(db, orgId, patch);
  if (!row) throw NOT_FOUND();
  // Each member's cached memberships carry the org's MFA rule.
  if (patch.requireMfa !== undefined)
    ctx.tenant.afterCommit(() => ctx.deps.membershipsChanged({ orgIds: [orgId] }));
  await ctx.audit.record(db, 'org.update', {
    target: { type: 'org', id: orgId },
    details: { name: patch.name, requireMfa: patch.requireMfa },
  });
  return toOrg(row, role);
}
