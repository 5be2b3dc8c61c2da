import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/app-router';
import { listProcedures } from '../../src/pipeline/assert-procedure-policies';
import { publicProcedure } from '../../src/pipeline/procedure';
import { router } from '../../src/pipeline/trpc';
import { startRouterApp, type RouterApp } from './start-router-app';
import { GENEROUS_LIMITS } from '../../../test/support/generous-limits';

interface ErrorEnvelope {
  error: { data: { reason: string; httpStatus: number } };
}

const LISTED = 'https://app.example.com';
const SESSION = 'gatehouse_session=fake-session.token';

let writes = 0;
const testRouter = router({
  things: router({
    create: publicProcedure
      .meta({ public: true })
      .input(z.strictObject({ name: z.string() }))
      .output(z.strictObject({ writes: z.number() }))
      .mutation(() => ({ writes: ++writes })),
    count: publicProcedure
      .meta({ public: true })
      .input(z.strictObject({}).optional())
      .output(z.strictObject({ writes: z.number() }))
      .query(() => ({ writes })),
  }),
});

describe('CSRF and CORS in the front door', () => {
  let t: RouterApp;
  beforeAll(async () => {
    t = await startRouterApp(testRouter, { CORS_ORIGINS: LISTED });
  });
  afterAll(async () => t?.close());

  const mutate = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${t.url}/trpc/things.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'x' }),
    });

  it('refuses a cross-origin cookie mutation: 403 CSRF_REJECTED, none written', async () => {
    const before = writes;
    for (const origin of ['https://evil.example', 'null', 'https://app.example.com.evil.example']) {
      const res = await mutate({ cookie: SESSION, origin });
      expect(res.status).toBe(403);
      const body = (await res.json()) as ErrorEnvelope;
      expect(body.error.data.reason).toBe('CSRF_REJECTED');
      expect(body.error.data.httpStatus).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const noOrigin = await mutate({ cookie: SESSION });
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as ErrorEnvelope).error.data.reason).toBe('CSRF_REJECTED');
    expect(writes).toBe(before);
  });

  it("refuses the server's own origin when the browser says cross-site", async () => {
    const res = await mutate({ cookie: SESSION, origin: t.url, 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('CSRF_REJECTED');
  });

  it('lets the mutation from a listed origin past CSRF, with credentialed CORS', async () => {
    const before = writes;
    const res = await mutate({ cookie: SESSION, origin: LISTED, 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(writes).toBe(before + 1);
  });

  it("lets the server's own origin past CSRF", async () => {
    const res = await mutate({ cookie: SESSION, origin: t.url, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
  });

  it('exempts bearer and API-key requests (no ambient credential) from CSRF', async () => {
    const before = writes;
    const bearer = await mutate({
      cookie: SESSION,
      origin: 'https://evil.example',
      authorization: 'Bearer gh_not_checked_here',
    });
    expect(bearer.status).toBe(200);
    const apiKey = await mutate({
      origin: 'https://evil.example',
      'x-api-key': 'gh_not_checked_here',
    });
    expect(apiKey.status).toBe(200);
    // A foreign origin gets no CORS grant: a browser would not show it the answer.
    expect(bearer.headers.get('access-control-allow-origin')).toBeNull();
    expect(writes).toBe(before + 2);
  });

  it('does not CSRF-check queries (GET)', async () => {
    const res = await fetch(`${t.url}/trpc/things.count`, {
      headers: { cookie: SESSION, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
  });

  it('answers a preflight from an unlisted origin without any CORS header', async () => {
    const res = await fetch(`${t.url}/trpc/things.create`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(403);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('CORS_REJECTED');
  });

  it('answers a preflight from a listed origin with methods, headers and max-age', async () => {
    const res = await fetch(`${t.url}/trpc/things.create`, {
      method: 'OPTIONS',
      headers: {
        origin: LISTED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(res.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });
});

describe('only queries are reachable with GET (walking the app router)', () => {
  let t: RouterApp;
  beforeAll(async () => {
    t = await startRouterApp(undefined, GENEROUS_LIMITS);
  });
  afterAll(async () => t?.close());

  it('answers GET on every mutation with 405, and POST on every query with 405', async () => {
    const procedures = listProcedures(appRouter);
    expect(procedures.length).toBeGreaterThan(0);
    for (const p of procedures) {
      if (p.type === 'mutation') {
        const res = await fetch(`${t.url}/trpc/${p.path}?input=${encodeURIComponent('{}')}`);
        expect(res.status, `GET ${p.path}`).toBe(405);
      } else {
        expect(p.type, p.path).toBe('query');
        const res = await fetch(`${t.url}/trpc/${p.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status, `POST ${p.path}`).toBe(405);
      }
    }
  });
});
