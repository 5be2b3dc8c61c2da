import type { Scenario } from './scenario';
import { seedTenant } from './seed-tenant';

/** Scenario 3: an org-scoped page of 20 under row-level security, with an API key. */
export const projectsListApiKey: Scenario = {
  id: '3-projects-list-key',
  title: 'projects.list (page of 20) with an API key',
  baseline: 'tenant-floor',
  target: 0.6,
  callsPerRequest: 1,
  prepare: async (ctx) => {
    const t = await seedTenant(ctx.gatehouseUrl);
    const input = { orgId: t.orgId, limit: 20 };
    return {
      method: 'GET',
      path: `/trpc/projects.list?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: { authorization: `Bearer ${t.apiKey}` },
    };
  },
  check: (status, body) =>
    (body as { result?: { data?: { projects?: unknown[] } } }).result?.data?.projects?.length === 20
      ? undefined
      : `expected a page of 20, got ${status}`,
};
