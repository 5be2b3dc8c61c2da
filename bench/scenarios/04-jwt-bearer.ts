import type { Scenario } from './scenario';
import { seedTenant } from './seed-tenant';

/**
 * Scenario 4: the same page with a client-credentials JWT (verified from memory, no key lookup).
 */
export const jwtBearer: Scenario = {
  id: '4-jwt-bearer',
  title: 'projects.list (page of 20) with a JWT bearer token',
  baseline: 'raw-select',
  callsPerRequest: 1,
  prepare: async (ctx) => {
    const t = await seedTenant(ctx.gatehouseUrl);
    const input = { orgId: t.orgId, limit: 20 };
    const res = await fetch(`${ctx.gatehouseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${t.apiKeyId}:${t.apiKey}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    return {
      method: 'GET',
      path: `/trpc/projects.list?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: { authorization: `Bearer ${token}` },
    };
  },
  check: (status, body) =>
    (body as { result?: { data?: { projects?: unknown[] } } }).result?.data?.projects?.length === 20
      ? undefined
      : `expected a page of 20, got ${status}`,
};
