import { randomUUID } from 'node:crypto';
import type { Org } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import { enterTenantScope } from '../pipeline/tenant-scope';
import { insertMembership, membershipsOf } from './membership-queries';
import type { OrgCaller, OrgMemberCaller } from './org-context';
import { missedOrgSignInRule } from '../pipeline/passes-org-sign-in';
import { findOrg, insertOrg, updateOrgRow, type OrgPatch } from './org-queries';
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

/**
 * Renames the org, or sets what its members must sign in with: MFA, an identity provider
 * (one of IDENTITY_PROVIDERS), an email domain. A rule the caller's own credentials would not
 * meet is refused (SIGN_IN_METHOD_REQUIRED_BY_ORG): nobody locks the org's managers out by
 * accident.
 */
export async function updateOrg(
  ctx: OrgMemberCaller<'identityProviders'>,
  patch: OrgPatch,
): Promise<Org> {
  const { db, orgId, role } = ctx.tenant;
  if (
    typeof patch.requireProvider === 'string' &&
    !ctx.deps.identityProviders.has(patch.requireProvider)
  ) {
    throw new AppError('VALIDATION_FAILED', {
      message: 'No identity provider has that id',
      issues: [{ path: 'patch.requireProvider', code: 'custom', reason: 'VALIDATION_FAILED' }],
    });
  }
  const row = await updateOrgRow(db, orgId, patch);
  if (!row) throw NOT_FOUND();
  if (await missedOrgSignInRule(db, ctx.principal, row)) {
    throw new AppError('SIGN_IN_METHOD_REQUIRED_BY_ORG', {
      message: 'Your own sign-in would not meet that rule; sign in the way it requires first',
    });
  }
  // Each member's cached memberships carry the org's sign-in rules.
  if (
    patch.requireMfa !== undefined ||
    patch.requireProvider !== undefined ||
    patch.memberEmailDomain !== undefined
  )
    ctx.tenant.afterCommit(() => ctx.deps.membershipsChanged({ orgIds: [orgId] }));
  await ctx.audit.record(db, 'org.update', {
    target: { type: 'org', id: orgId },
    details: {
      name: patch.name,
      requireMfa: patch.requireMfa,
      requireProvider: patch.requireProvider,
      memberEmailDomain: patch.memberEmailDomain,
    },
  });
  return toOrg(row, role);
}
