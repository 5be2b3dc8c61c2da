import type { Scenario } from './scenario';
import { seedTenant } from './seed-tenant';

/**
 * Scenario 2 with the in-process session cache off: one indexed query per
 * call (session and user together), against raw node:http doing one
 * primary-key SELECT.
 */
export const authMeNoCache: Scenario = {
  id: '2b-auth-me-no-cache',
  title: 'auth.me with a session cookie, session cache off (one query per call)',
  baseline: 'raw-select',
  target: 0.45,
  server: 'session-cache-off',
  callsPerRequest: 1,
  prepare: async (ctx) => ({
    method: 'GET',
    path: '/trpc/auth.me',
    headers: { cookie: (await seedTenant(ctx.gatehouseUrl)).cookie },
  }),
  check: (status, body) =>
    (body as { result?: { data?: { user?: unknown } } }).result?.data?.user
      ? undefined
      : `expected 200 with the user, got ${status}`,
};
