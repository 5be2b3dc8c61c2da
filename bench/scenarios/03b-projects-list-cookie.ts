import type { Scenario } from './scenario';
import { seedTenant } from './seed-tenant';

/** Scenario 3b: the same org-scoped page of 20 as scenario 3, with a session cookie. */
export const projectsListCookie: Scenario = {
  id: '3b-projects-list-cookie',
  title: 'projects.list (page of 20) with a session cookie',
  baseline: 'tenant-floor',
  target: 0.6,
  callsPerRequest: 1,
  prepare: async (ctx) => {
    const t = await seedTenant(ctx.gatehouseUrl);
    const input = { orgId: t.orgId, limit: 20 };
    return {
      method: 'GET',
      path: `/trpc/projects.list?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: { cookie: t.cookie },
    };
  },
  check: (status, body) =>
    (body as { result?: { data?: { projects?: unknown[] } } }).result?.data?.projects?.length === 20
      ? undefined
      : `expected a page of 20, got ${status}`,
};
