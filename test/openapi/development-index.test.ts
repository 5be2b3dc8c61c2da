import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

const PRODUCTION = {
  GATEHOUSE_ENV: 'production',
  TRUST_PROXY: '1',
  DATABASE_URL: 'postgres://unused.invalid/gatehouse',
  METRICS_TOKEN: 'm'.repeat(40),
  GATEHOUSE_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
};

describe('GET /', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('in development names /docs, /openapi.json and the probes, each answering', async () => {
    t = await startTestApp('pglite', { GATEHOUSE_ENV: 'development' });
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { links: Record<string, string> };
    expect(body.links).toEqual({
      docs: '/docs',
      openapi: '/openapi.json',
      health: '/healthz',
      readiness: '/readyz',
    });
    for (const link of Object.values(body.links))
      expect((await fetch(`${t.url}${link}`)).status, link).toBe(200);
  });

  it.each([
    ['test', {}],
    ['production', PRODUCTION],
  ])('stays a 404 in %s', async (_env, overrides) => {
    t = await startTestApp('pglite', { GATEHOUSE_ENV: 'test', ...overrides });
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('NOT_FOUND');
  });
});
