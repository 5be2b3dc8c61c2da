// OWASP API4:2023 Unrestricted Resource Consumption — batches, bodies, pages, request rates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';
import { refusal } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe('API4 unrestricted resource consumption', () => {
  let t: TestApp;
  let cast: TwoOrgs;
  beforeAll(async () => {
    t = await startTestApp('pglite', { RATE_LIMIT_AUTH_PER_MINUTE: '10000', RATE_LIMIT_IP_PER_MINUTE: '200' });
    cast = await twoOrgs(t, 'api4');
  });
  afterAll(async () => t?.close());
  const reason = async (res: Response) => ((await res.json()) as { error: { data: { reason: string } } }).error.data.reason;

  it('an oversized batch is refused before any call runs, counting empty segments', async () => {
    const res = await fetch(`${t.url}/trpc/${'system.version,'.repeat(30)}system.version?batch=1`);
    expect(res.status).toBe(400);
    expect(await reason(res)).toBe('BATCH_TOO_LARGE');
  });

  it('a body over the limit is refused with 413', async () => {
    const res = await fetch(`${t.url}/trpc/auth.signUp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2_000_000) }) });
    expect(res.status).toBe(413);
  });

  it('a page larger than 100 is refused', async () => {
    expect(await refusal(cast.alice.trpc.projects.list.query({ orgId: cast.orgA, limit: 1000 }))).toMatchObject({ reason: 'VALIDATION_FAILED' });
  });

  it('a flood from one address is cut off with 429 and Retry-After', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 400 && !limited; i++) {
      const res = await fetch(`${t.url}/trpc/system.version`);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited ? await reason(limited) : '').toBe('RATE_LIMITED');
  });
});

describe('API4 unrestricted resource consumption: a sign-in flood', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { ARGON2_CONCURRENCY: '1', RATE_LIMIT_AUTH_PER_MINUTE: '10000', LOGIN_MAX_FAILURES_PER_IP: '10000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000' });
  });
  afterAll(async () => t?.close());

  it('past the argon2 cap and its short queue, sign-ins get 429 RATE_LIMITED with Retry-After, and only the hashed ones reach the database', async () => {
    const audited = async () => (await t.database.handle.db.selectFrom('audit_events').select('id').where('action', '=', 'auth.sign_in').execute()).length;
    const before = await audited();
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await fetch(`${t.url}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `flood-${i}@example.com`, password: 'not the right password' }) });
        const body = (await res.json()) as { error: { message: string; data: { reason: string; httpStatus: number } } };
        return { status: res.status, retryAfter: res.headers.get('retry-after'), reason: body.error.data.reason, httpStatus: body.error.data.httpStatus };
      }),
    );
    const refused = answers.filter((a) => a.status === 429);
    const hashed = answers.filter((a) => a.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(hashed.length).toBeGreaterThan(0);
    expect(refused.length + hashed.length).toBe(40);
    expect(refused.every((a) => a.reason === 'RATE_LIMITED' && a.httpStatus === 429 && a.retryAfter === '1')).toBe(true);
    expect(hashed.every((a) => a.reason === 'INVALID_CREDENTIALS')).toBe(true);
    // A refused attempt cost no database work: one audit row per hashed attempt only.
    expect((await audited()) - before).toBe(hashed.length);
  });
});
