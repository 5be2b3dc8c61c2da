// Faults 3 and 5: SIGTERM under load; revocation mid-load. (6, the sign-in flood, is
// sign-in-flood.test.ts.)
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { waitForLog } from '../transport/wait-for-log';
import { load, sleep, startTenant, until, type Outcome } from './fault-fixture';

describe('process faults (embedded database)', () => {
  it('3. SIGTERM under load: /readyz fails, in-flight calls finish, exit 0', async () => {
    // A long deadline: exiting before it shows the keep-alive connections
    // ended after their answers, not that the deadline cut them.
    const deadlineMs = 30_000;
    const tenant = await startTenant({
      GATEHOUSE_DATA_DIR: 'memory://',
      SHUTDOWN_TIMEOUT_MS: String(deadlineMs),
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const get = (path: string, headers: Record<string, string> = {}): Promise<Outcome> =>
        new Promise((resolve) => {
          const req = http.get(`${tenant.server.url}${path}`, { agent, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
            res.on('error', (err: NodeJS.ErrnoException) =>
              resolve({ status: 0, error: err.code ?? err.message }),
            );
          });
          req.on('error', (err: NodeJS.ErrnoException) =>
            resolve({ status: 0, error: err.code ?? err.message }),
          );
        });
      let served = 0;
      const stop = new AbortController();
      const running = load(6, stop.signal, async (i) => {
        const outcome = await (i % 2 === 0
          ? get('/trpc/system.version')
          : get('/trpc/auth.me', { cookie: tenant.cookie }));
        if (outcome.status === 200) served++;
        return outcome;
      });
      await until(() => served >= 50, '50 requests served before the signal');
      const signalled = Date.now();
      tenant.server.process.kill('SIGTERM');
      // Once the server has logged the signal it is draining: the next /readyz is not 200.
      await waitForLog(tenant.server.output, (l) => l.msg === 'shutting down', {
        timeoutMs: 60_000,
      });
      const readyAfter = await get('/readyz');
      stop.abort();
      const outcomes = await running;
      const code = await tenant.server.exited;

      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(deadlineMs);
      // 503 on a kept-alive connection, refused on a new one
      expect(readyAfter.status).not.toBe(200);
      expect(outcomes.filter((o) => o.error === 'ECONNRESET' || o.error === 'EPIPE')).toEqual([]);
      expect(outcomes.filter((o) => o.status !== 0 && o.status !== 200)).toEqual([]);
    } finally {
      agent.destroy();
      await tenant.server.stop('SIGKILL');
    }
  });

  it('5. a session and an API key revoked mid-load: the next request with each: 401', async () => {
    const tenant = await startTenant({ GATEHOUSE_DATA_DIR: 'memory://' });
    try {
      const me = async (): Promise<Outcome> => ({
        status: (
          await fetch(`${tenant.server.url}/trpc/auth.me`, { headers: { cookie: tenant.cookie } })
        ).status,
      });
      const listInput = encodeURIComponent(JSON.stringify({ orgId: tenant.orgId }));
      const list = async (): Promise<Outcome> => ({
        status: (
          await fetch(`${tenant.server.url}/trpc/projects.list?input=${listInput}`, {
            headers: { 'x-api-key': tenant.apiKey },
          })
        ).status,
      });
      const stop = new AbortController();
      const running = load(4, stop.signal, (i) => (i % 2 === 0 ? me() : list()));
      await sleep(500);
      // Revoke both from a second session of the same user.
      const post = (path: string, body: unknown, cookie: string) =>
        fetch(`${tenant.server.url}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: tenant.server.url, cookie },
          body: JSON.stringify(body),
        });
      const second = await post(
        'auth.signIn',
        { email: 'faults@example.com', password: 'a long enough test passphrase' },
        '',
      );
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
});
