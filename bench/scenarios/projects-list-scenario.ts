import type { Scenario } from './scenario';
import { seedTenant, type SeededTenant } from './seed-tenant';

/**
 * An org-scoped page of 20 under row-level security (the shape of a team's own procedures),
 * called with the credential `headersOf` picks, against the tenant-page floor of the same run.
 */
export function projectsListScenario(options: {
  readonly id: string;
  readonly title: string;
  readonly headersOf: (tenant: SeededTenant) => Record<string, string>;
}): Scenario {
  return {
    id: options.id,
    title: options.title,
    baseline: 'tenant-floor',
    target: 0.6,
    callsPerRequest: 1,
    prepare: async (ctx) => {
      const t = await seedTenant(ctx.gatehouseUrl);
      const input = { orgId: t.orgId, limit: 20 };
      return {
        method: 'GET',
        path: `/trpc/projects.list?input=${encodeURIComponent(JSON.stringify(input))}`,
        headers: options.headersOf(t),
      };
    },
    check: (status, body) =>
      (body as { result?: { data?: { projects?: unknown[] } } }).result?.data?.projects?.length ===
      20
        ? undefined
        : `expected a page of 20, got ${status}`,
  };
}
