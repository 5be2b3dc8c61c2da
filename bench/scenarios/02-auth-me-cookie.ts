import type { Scenario } from './scenario';
import { seedTenant } from './seed-tenant';

/** Scenario 2: the authenticated hot path — a session cookie resolved, the user returned. */
export const authMeCookie: Scenario = {
  id: '2-auth-me-cookie',
  title: 'auth.me with a session cookie',
  baseline: 'raw',
  target: 0.25,
  callsPerRequest: 1,
  prepare: async (ctx) => ({
    method: 'GET',
    path: '/trpc/auth.me',
    headers: { cookie: (await seedTenant(ctx.gatehouseUrl)).cookie },
  }),
  check: (status, body) =>
    status === 200 && (body as { result?: { data?: { user?: unknown } } }).result?.data?.user
      ? undefined
      : `expected 200 with the user, got ${status}`,
};
