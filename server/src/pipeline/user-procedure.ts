import type { Permission } from '@gatehouse/shared';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import { AppError } from './app-error';
import { procedure } from './procedure';
import { rollbackUnlessOk } from './rollback-unless-ok';
import { enterTenantScope } from './tenant-scope';

/**
 * The personal part of a request: its transaction runs as `gatehouse_app`
 * with only the caller's user id set, so row-level security shows the rows
 * whose `owner_id` is the caller and nothing of any org.
 */
export interface Personal {
  readonly db: Transaction<Database>;
  readonly userId: string;
  /** The caller's global permissions, narrowed by a key's scopes. */
  readonly permissions: ReadonlySet<Permission>;
}

/**
 * The user-scoped step, for resources each user owns alone (a generated
 * `--no-org` resource): no `orgId` in the input, the handler gets
 * `ctx.personal` and one transaction in which every row it can see or write
 * is the caller's own; an error rolls everything back. A key or token bound
 * to one org acts only in that org, so it is refused here (FORBIDDEN), even
 * before its scopes are looked at.
 */
export const userProcedure = procedure.use(async function enterPersonalScope({
  ctx,
  meta,
  path,
  next,
}) {
  const { principal, deps } = ctx;
  if (principal.orgId !== undefined) {
    const details = { procedure: path, permission: meta?.permission, boundToOrg: true };
    deps.metrics.authzDenied(meta?.permission ?? 'unknown');
    ctx.audit.security('authz.denied', details);
    await deps.auditRefusals.refuse(ctx.audit, 'authz.denied', { cause: `${path}|org`, details });
    throw new AppError('FORBIDDEN', {
      message: 'A key bound to an organization cannot reach personal data',
    });
  }
  const result = await rollbackUnlessOk(deps.db, async (trx) => {
    await enterTenantScope(trx, principal.userId, []);
    const personal: Personal = {
      db: trx,
      userId: principal.userId,
      permissions: principal.permissions,
    };
    return next({ ctx: { personal } });
  });
  if (!result) throw new AppError('INTERNAL');
  return result;
});
