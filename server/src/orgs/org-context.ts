import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import type { Principal } from '../pipeline/principal';
import type { Tenant } from '../pipeline/tenant-scope';

/** A signed-in caller outside any org: who they are, what they may reach, and their recorder. */
export interface OrgCaller<D extends keyof AppDeps = 'db'> {
  /** Every org change announces itself (membershipsChanged) after it commits. */
  readonly deps: Pick<AppDeps, D | 'membershipsChanged'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
}

/**
 * A caller inside an org procedure: the tenant transaction and a recorder
 * already bound to the org (pipeline/org-procedure.ts).
 */
export interface OrgMemberCaller<D extends keyof AppDeps = never> {
  readonly deps: Pick<AppDeps, D | 'membershipsChanged'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly tenant: Tenant;
}
