import type { RequestAudit } from '../audit/request-audit';
import type { Permission } from '@gatehouse/shared';
import { z } from 'zod';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { MembershipCache } from '../orgs/membership-cache';
import { membershipsOf, type MembershipOfRow } from '../orgs/membership-queries';
import { ORG_ROLE_PERMISSIONS } from '../orgs/org-roles';
import { AppError } from './app-error';
import { passesOrgMfa } from './passes-org-mfa';
import { missedOrgSignInRule } from './passes-org-sign-in';
import { procedure } from './procedure';
import { rollbackUnlessOk } from './rollback-unless-ok';
import { enterTenantScope, setTenantSettings, type Tenant } from './tenant-scope';
import type { MiddlewareResult } from './trpc-internals';

/**
 * The org-scoped step: the input's `orgId` must be one of the caller's orgs
 * (else NOT_FOUND, exactly like a missing org, so ids cannot be probed), the
 * caller's role there must grant `meta.permission` (else FORBIDDEN), and an
 * org that requires MFA refuses sessions without it. The handler then runs
 * in one transaction as `gatehouse_app`, with row-level security scoped to
 * the caller's orgs; an error rolls everything back.
 */
/**
 * The caller's memberships: from the cache (membership-cache.ts) when it holds them, so the
 * call spends no statement on them; else read under the caller's own settings, and cached.
 */
async function callerMemberships(
  cache: MembershipCache,
  trx: Transaction<Database>,
  userId: string,
): Promise<readonly MembershipOfRow[]> {
  const now = Date.now();
  const cached = cache.get(userId, now);
  if (cached) return cached;
  const stamp = cache.stamp();
  await setTenantSettings(trx, userId, []);
  const rows = await membershipsOf(trx, userId);
  cache.set(userId, rows, now, stamp);
  return rows;
}

/** The input every org-scoped procedure starts with (the procedure table recognises them by it). */
export const OrgScopeInput = z.object({ orgId: z.uuid() });

export const orgProcedure = procedure.input(OrgScopeInput).use(async function enforceOrgPolicy({
  ctx,
  input,
  meta,
  path,
  next,
}) {
  const { principal, deps } = ctx;
  const permission = meta?.permission as Permission;
  // A key bound to one org acts only there.
  if (principal.orgId !== undefined && principal.orgId !== input.orgId)
    throw new AppError('NOT_FOUND', { message: 'No such organization' });

  const proceed = (
    tenant: Tenant,
  ): Promise<MiddlewareResult<{ tenant: Tenant; audit: RequestAudit }>> =>
    next({ ctx: { tenant, audit: ctx.audit.inOrg(input.orgId) } });
  let denied: { reason: 'NOT_FOUND' | 'FORBIDDEN'; orgRole: string | null } | undefined;
  const committed: (() => Promise<void>)[] = [];
  const result = await rollbackUnlessOk(deps.db, async (trx) => {
    const memberships = await callerMemberships(deps.membershipCache, trx, principal.userId);
    const membership = memberships.find((m) => m.org_id === input.orgId);
    if (!membership) {
      denied = { reason: 'NOT_FOUND', orgRole: null };
      return undefined;
    }
    const orgPermissions = ORG_ROLE_PERMISSIONS[membership.role];
    if (!orgPermissions.has(permission)) {
      denied = { reason: 'FORBIDDEN', orgRole: membership.role };
      return undefined;
    }
    if (membership.require_mfa && !(await passesOrgMfa(trx, principal))) {
      throw new AppError('MFA_REQUIRED_BY_ORG', {
        message: 'This organization requires two-factor authentication',
      });
    }
    const missed =
      membership.require_provider !== null || membership.member_email_domain !== null
        ? await missedOrgSignInRule(trx, principal, membership)
        : undefined;
    if (missed !== undefined) {
      throw new AppError('SIGN_IN_METHOD_REQUIRED_BY_ORG', {
        message:
          missed === 'domain'
            ? `This organization admits addresses at ${membership.member_email_domain} only`
            : `This organization requires signing in through ${membership.require_provider}`,
      });
    }
    const orgIds =
      principal.orgId !== undefined ? [principal.orgId] : memberships.map((m) => m.org_id);
    await enterTenantScope(trx, principal.userId, orgIds);
    const permissions = new Set([...orgPermissions].filter((p) => principal.permissions.has(p)));
    const tenant: Tenant = {
      db: trx,
      orgId: input.orgId,
      role: membership.role,
      permissions,
      requireMfa: membership.require_mfa,
      afterCommit: (effect) => {
        committed.push(effect);
      },
    };
    return proceed(tenant);
  });
  if (result?.ok) for (const effect of committed) await effect();
  // Recorded outside the rolled-back transaction so the record survives the refusal.
  const recordDenial = async (cause: Record<string, unknown>): Promise<void> => {
    deps.metrics.authzDenied(permission);
    const details = { procedure: path, permission, ...cause };
    ctx.audit.security('authz.denied', { ...details, orgId: input.orgId });
    // The first denial of a principal, org, procedure and cause in a minute
    // is a row; repeats are counted (audit/aggregated-audit.ts).
    await deps.auditRefusals.refuse(ctx.audit.inOrg(input.orgId), 'authz.denied', {
      cause: `${path}|${JSON.stringify(cause)}`,
      details,
    });
  };
  if (denied) {
    await recordDenial({ orgRole: denied.orgRole });
    throw denied.reason === 'NOT_FOUND'
      ? new AppError('NOT_FOUND', { message: 'No such organization' })
      : new AppError('FORBIDDEN');
  }
  if (!result) throw new AppError('INTERNAL');
  // A resource policy refused inside the handler (e.g. a member editing another's project).
  if (
    !result.ok &&
    result.error instanceof AppError &&
    (result.error.reason === 'FORBIDDEN' || result.error.reason === 'ROLE_TOO_HIGH')
  ) {
    await recordDenial({ policy: result.error.reason });
  }
  return result;
});
