import { connect } from 'node:net';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publicProcedure } from '../../src/pipeline/procedure';
import { router } from '../../src/pipeline/trpc';
import { startRouterApp, type RouterApp } from './start-router-app';

interface ErrorEnvelope {
  error: { data: { reason: string; httpStatus: number } };
}

let gate: Promise<void> = Promise.resolve();
let entered = 0;
let signIns = 0;
const testRouter = router({
  ping: publicProcedure
    .meta({ public: true })
    .input(z.strictObject({}).optional())
    .output(z.strictObject({ ok: z.boolean() }))
    .query(() => ({ ok: true })),
  slow: publicProcedure
    .meta({ public: true })
    .input(z.strictObject({}).optional())
    .output(z.strictObject({ ok: z.boolean() }))
    .query(async () => {
      entered++;
      await gate;
      return { ok: true };
    }),
  signIn: publicProcedure
    .meta({ public: true, rate: 'auth' })
    .input(z.strictObject({ email: z.string() }))
    .output(z.strictObject({ ok: z.boolean() }))
    .mutation(() => {
      signIns++;
      return { ok: true };
    }),
});

const batchOf = (n: number): string =>
  `${Array.from({ length: n }, () => 'ping').join(',')}?batch=1`;

describe('rate limits (memory store)', () => {
  let t: RouterApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('sends RateLimit headers; past the per-IP limit, 429 RATE_LIMITED + Retry-After', async () => {
    t = await startRouterApp(testRouter, { RATE_LIMIT_IP_PER_MINUTE: '3' });
    for (let i = 1; i <= 3; i++) {
      const ok = await fetch(`${t.url}/trpc/ping`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toContain('"ip";q=3;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`"ip";r=${3 - i};t=\\d+`));
    }
    const refused = await fetch(`${t.url}/trpc/ping`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorEnvelope).error.data.reason).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit')).toMatch(/"ip";r=0;t=\d+/);
    expect(refused.headers.get('ratelimit-policy')).toBe('"ip";q=3;w=60');
    // Health probes are never limited.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('spends one unit per call: a batch of 10 spends 10, per IP and per class', async () => {
    t = await startRouterApp(testRouter, {
      RATE_LIMIT_IP_PER_MINUTE: '25',
      RATE_LIMIT_READ_PER_MINUTE: '100',
      MAX_BATCH_SIZE: '10',
    });
    const first = await fetch(`${t.url}/trpc/${batchOf(10)}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toMatch(/^"ip";r=15;t=\d+, "read";r=90;t=\d+$/);
    const second = await fetch(`${t.url}/trpc/${batchOf(10)}`);
    expect(second.headers.get('ratelimit')).toMatch(/"ip";r=5;/);
    const third = await fetch(`${t.url}/trpc/${batchOf(10)}`);
    expect(third.status).toBe(429);
    expect(((await third.json()) as ErrorEnvelope).error.data.reason).toBe('RATE_LIMITED');
  });

  it('limits a procedure class (auth is strict) without running the procedure', async () => {
    t = await startRouterApp(testRouter, { RATE_LIMIT_AUTH_PER_MINUTE: '2' });
    const signIn = (): Promise<Response> =>
      fetch(`${t!.url}/trpc/signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@example.com' }),
      });
    const before = signIns;
    expect((await signIn()).status).toBe(200);
    const second = await signIn();
    expect(second.headers.get('ratelimit-policy')).toBe('"ip";q=600;w=60, "auth";q=2;w=60');
    const refused = await signIn();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorEnvelope).error.data.reason).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit')).toMatch(/"auth";r=0;t=\d+/);
    expect(signIns).toBe(before + 2);
    // Other classes keep their own budget.
    expect((await fetch(`${t.url}/trpc/ping`)).status).toBe(200);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: one budget, real address logged', async () => {
    t = await startRouterApp(testRouter, { RATE_LIMIT_IP_PER_MINUTE: '2' });
    const app = t;
    const statuses = [];
    for (const spoof of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      statuses.push(
        (await fetch(`${app.url}/trpc/ping`, { headers: { 'x-forwarded-for': spoof } })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
    const ips = app.logs.filter((l) => l.msg === 'request').map((l) => l.ip);
    expect(ips).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('honours X-Forwarded-For from a trusted proxy: a budget per client, logged', async () => {
    t = await startRouterApp(testRouter, {
      RATE_LIMIT_IP_PER_MINUTE: '2',
      TRUST_PROXY: '127.0.0.1',
    });
    const app = t;
    const statuses = [];
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      statuses.push(
        (
          await fetch(`${app.url}/trpc/ping`, {
            headers: { 'x-forwarded-for': `6.6.6.6, ${client}` },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200]);
    const ips = app.logs.filter((l) => l.msg === 'request').map((l) => l.ip);
    expect(ips).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
  });

  it('caps concurrent requests per IP with 429', async () => {
    t = await startRouterApp(testRouter, { MAX_CONCURRENT_PER_IP: '2' });
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    entered = 0;
    const slow = [fetch(`${t.url}/trpc/slow`), fetch(`${t.url}/trpc/slow`)];
    // Wait until both are inside the procedure, holding their slots.
    while (entered < 2) await new Promise((r) => setTimeout(r, 10));
    const third = await fetch(`${t.url}/trpc/ping`);
    expect(third.status).toBe(429);
    expect(((await third.json()) as ErrorEnvelope).error.data.reason).toBe('RATE_LIMITED');
    expect(third.headers.get('retry-after')).toBe('1');
    open();
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    expect((await fetch(`${t.url}/trpc/ping`)).status).toBe(200);
  });
});

describe('HSTS', () => {
  it('is absent on plain HTTP (spoofed proto too), present behind HTTPS proxy', async () => {
    const plain = await startRouterApp(testRouter);
    try {
      const res = await fetch(`${plain.url}/trpc/ping`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(res.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await plain.close();
    }
    const proxied = await startRouterApp(testRouter, { TRUST_PROXY: '127.0.0.1' });
    try {
      const https = await fetch(`${proxied.url}/trpc/ping`, {
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.1' },
      });
      expect(https.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      const http = await fetch(`${proxied.url}/trpc/ping`, {
        headers: { 'x-forwarded-proto': 'http' },
      });
      expect(http.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await proxied.close();
    }
  });
});

describe('slow clients (slowloris)', () => {
  let t: RouterApp;
  beforeAll(async () => {
    t = await startRouterApp(testRouter, {
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '4000',
    });
  });
  afterAll(async () => t?.close());

  it('drops a client dribbling headers a byte a second; a normal client is served', async () => {
    const socket = connect(t.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /trpc/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    let sent = 0;
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const dribble = setInterval(() => {
      if (!socket.destroyed) socket.write('a');
      sent++;
    }, 1_000);
    try {
      // Meanwhile a normal client is served.
      const normal = await fetch(`${t.url}/trpc/ping`);
      expect(normal.status).toBe(200);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 20_000))]);
    } finally {
      clearInterval(dribble);
    }
    expect(isClosed).toBe(true);
    // The server gave up on the headers (408) rather than waiting for all 20 bytes.
    expect(sent).toBeLessThan(20);
    if (received !== '') expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);
});
