// Faults 3, 5 and 6: SIGTERM under load; revocation mid-load; a sign-in flood.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PROBE = `
const url = process.argv[1]; const times = []; let stop = false;
process.stdin.on('data', () => { stop = true; });
(async () => { while (!stop) { const t0 = performance.now(); await (await fetch(url)).arrayBuffer(); times.push(performance.now() - t0); await new Promise((r) => setTimeout(r, 2)); }
process.stdout.write(JSON.stringify(times)); })();
`;
import { load, sleep, startTenant, type Outcome } from './fault-fixture';

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('process faults (embedded database)', () => {
  it('3. SIGTERM under load: /readyz fails at once, in-flight requests finish, no resets, exit 0 within 10 s', async () => {
    const tenant = await startTenant({ GATEHOUSE_DATA_DIR: 'memory://' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const get = (path: string, headers: Record<string, string> = {}): Promise<Outcome> =>
      new Promise((resolve) => {
        const req = http.get(`${tenant.server.url}${path}`, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message }));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message }));
      });
    const stop = new AbortController();
    const running = load(6, stop.signal, (i) => (i % 2 === 0 ? get('/trpc/system.version') : get('/trpc/auth.me', { cookie: tenant.cookie })));
    await sleep(1_000);
    const signalled = Date.now();
    tenant.server.process.kill('SIGTERM');
    // The signal reaches the event loop between requests: a /readyz already on
    // the wire may still be answered 200, the next ones must not be.
    let readyAfter = await get('/readyz');
    while (readyAfter.status === 200 && Date.now() - signalled < 250) readyAfter = await get('/readyz');
    const readyFlippedMs = Date.now() - signalled;
    await sleep(300);
    stop.abort();
    const outcomes = await running;
    const code = await tenant.server.exited;
    agent.destroy();

    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(readyAfter.status).not.toBe(200); // 503 on a kept-alive connection, refused on a new one
    expect(readyFlippedMs).toBeLessThan(250);
    expect(outcomes.filter((o) => o.error === 'ECONNRESET' || o.error === 'EPIPE')).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 0 && o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(50);
  });

  it('5. a session and an API key revoked mid-load: the next request with each gets 401', async () => {
    const tenant = await startTenant({ GATEHOUSE_DATA_DIR: 'memory://' });
    try {
      const me = async (): Promise<Outcome> => ({ status: (await fetch(`${tenant.server.url}/trpc/auth.me`, { headers: { cookie: tenant.cookie } })).status });
      const list = async (): Promise<Outcome> => ({ status: (await fetch(`${tenant.server.url}/trpc/projects.list?input=${encodeURIComponent(JSON.stringify({ orgId: tenant.orgId }))}`, { headers: { 'x-api-key': tenant.apiKey } })).status });
      const stop = new AbortController();
      const running = load(4, stop.signal, (i) => (i % 2 === 0 ? me() : list()));
      await sleep(500);
      // Revoke both from a second session of the same user.
      const post = (path: string, body: unknown, cookie: string) =>
        fetch(`${tenant.server.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: tenant.server.url, cookie }, body: JSON.stringify(body) });
      const second = await post('auth.signIn', { email: 'faults@example.com', password: 'a long enough test passphrase' }, '');
      const other = (second.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
      const sessionId = (tenant.cookie.split('=')[1] ?? '').split('.')[0];
      expect((await post('sessions.revoke', { id: sessionId }, other)).status).toBe(200);
      expect((await post('apiKeys.revoke', { id: tenant.apiKeyId }, other)).status).toBe(200);
      expect((await me()).status).toBe(401);
      expect((await list()).status).toBe(401);
      stop.abort();
      const outcomes = await running;
      expect(outcomes.every((o) => o.status === 200 || o.status === 401)).toBe(true);
      expect(tenant.server.process.exitCode).toBeNull();
    } finally {
      await tenant.server.stop();
    }
  });

  it('6. 200 concurrent wrong-password sign-ins: argon2 capped, the excess answered 429 fast, RSS bounded, system.version p99 bounded', async () => {
    const tenant = await startTenant({ GATEHOUSE_DATA_DIR: 'memory://', ARGON2_CONCURRENCY: '1', LOGIN_MAX_FAILURES_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000' });
    try {
      const pid = tenant.server.process.pid;
      const timeVersion = async (): Promise<number> => {
        const t0 = performance.now();
        await (await fetch(`${tenant.server.url}/trpc/system.version`)).arrayBuffer();
        return performance.now() - t0;
      };
      for (let i = 0; i < 50; i++) await timeVersion();
      const idleProbe = spawn(process.execPath, ['-e', PROBE, `${tenant.server.url}/trpc/system.version`], { stdio: ['pipe', 'pipe', 'inherit'] });
      let idleOut = '';
      idleProbe.stdout.on('data', (d: Buffer) => (idleOut += d.toString()));
      await sleep(1_500);
      idleProbe.stdin.end('stop');
      await new Promise((r) => idleProbe.once('exit', r));
      const idle = (JSON.parse(idleOut) as number[]).slice(20);
      const rssBefore = rssMb(pid);

      // The latency probe runs in its own process, so the flood's client-side work is not measured.
      const probe = spawn(process.execPath, ['-e', PROBE, `${tenant.server.url}/trpc/system.version`], { stdio: ['pipe', 'pipe', 'inherit'] });
      let probeOut = '';
      probe.stdout.on('data', (d: Buffer) => (probeOut += d.toString()));
      await sleep(300);
      const signIns = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const t0 = performance.now();
          const res = await fetch(`${tenant.server.url}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `flood-${i}@example.com`, password: 'not the right password' }) });
          const body = (await res.json()) as { error: { data: { reason: string } } };
          return { status: res.status, reason: body.error.data.reason, ms: performance.now() - t0 };
        }),
      );
      probe.stdin.end('stop');
      await new Promise((r) => probe.once('exit', r));
      const during = JSON.parse(probeOut) as number[];
      const rssAfter = rssMb(pid);

      const refused = signIns.filter((s) => s.status === 429);
      const verified = signIns.filter((s) => s.status === 401);
      expect(refused.length).toBeGreaterThan(150);
      expect(refused.every((s) => s.reason === 'RATE_LIMITED')).toBe(true);
      expect(verified.every((s) => s.reason === 'INVALID_CREDENTIALS')).toBe(true);
      expect(verified.length + refused.length).toBe(200);
      // "Fast" measured where it happens, in the server (its access log), not through 200
      // client sockets opened at once by this process.
      const serverMs = tenant.server.output
        .map((l) => {
          try {
            return JSON.parse(l) as { msg?: string; path?: string; status?: number; durationMs?: number };
          } catch {
            return {};
          }
        })
        .filter((l) => l.msg === 'request' && l.path === '/trpc/auth.signIn' && l.status === 429)
        .map((l) => l.durationMs ?? Infinity);
      expect(serverMs.length).toBe(refused.length);
      expect(percentile(serverMs, 50)).toBeLessThan(50);
      expect(rssAfter - rssBefore).toBeLessThan(100);
      // The event loop stays free: argon2 runs on the thread pool, capped, and the
      // excess is refused before any database work. What remains is the cost of
      // parsing and refusing 200 requests that arrive at once (~0.15 ms each on
      // these two cores, more when other work shares them), so the bound is 2× the
      // idle p99 or 100 ms, whichever is larger; uncapped, p99 here was in whole seconds.
      const idleP99 = percentile(idle, 99);
      const duringP99 = percentile(during, 99);
      expect(duringP99, `idle p99 ${idleP99.toFixed(1)} ms, during p99 ${duringP99.toFixed(1)} ms`).toBeLessThanOrEqual(Math.max(2 * idleP99, 100));
    } finally {
      await tenant.server.stop();
    }
  });
});
