// Fault 6: a sign-in flood, against PostgreSQL as in production (the embedded
// database runs its queries on the event loop, so it would measure PGlite).
//
// Only what holds however fast or busy the machine is: every attempt answered
// (401 after a hash, or 429 RATE_LIMITED with Retry-After), the refusals
// counted where the front door makes them, one audit row per hashed attempt,
// bounded RSS, a probe answered 200 throughout, no 5xx. How fast the
// refusals come and what the flood costs the probe's latency are timings:
// bench scenario 6 measures them (`pnpm bench --only 6-`), beside a bare
// node:http floor under the same flood.
import { readFileSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killOnExit } from '../support/kill-on-exit';
import { IN_CI } from '../support/test-env';
import { sleep, startTenant } from './fault-fixture';
import { REPO_ROOT } from '../support/spawn-server';
import { postgresBinDir, startThrowawayCluster, type Cluster } from './throwaway-cluster';

/**
 * A probe in its own process: one kept-alive connection calling `url`
 * every ~2 ms; after 20 warm-up calls it prints "warm", and on stdin "stop"
 * it prints every sample as [start (epoch ms), latency ms, status].
 */
const PROBE = `
const http = require('node:http');
const url = process.argv[1];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples = []; let stop = false;
process.stdin.on('data', () => { stop = true; });
const once = () => new Promise((resolve) => {
  const t0 = performance.now();
  http.get(url, { agent }, (res) => {
    res.resume();
    res.on('end', () =>
      resolve([performance.timeOrigin + t0, performance.now() - t0, res.statusCode]));
  }).on('error', () => resolve([performance.timeOrigin + t0, Infinity, 0]));
});
(async () => {
  for (let i = 0; i < 20; i++) await once();
  process.stdout.write('warm\\n');
  while (!stop) { samples.push(await once()); await new Promise((r) => setTimeout(r, 2)); }
  process.stdout.write(JSON.stringify(samples));
})();
`;

/**
 * The flood in its own process: opens `n` connections first (as a proxy's
 * kept-alive pool would hold them) and prints "ready"; each line on stdin
 * sends one wrong-password sign-in on every connection at once, and prints
 * the answers as one JSON line of [status, reason, retry-after].
 */
const FLOOD = `
const net = require('node:net');
const [port, n] = [Number(process.argv[1]), Number(process.argv[2])];
const sockets = []; let open = 0; let round = 0; let answers = [];
const request = (i) => {
  const body = JSON.stringify({
    email: 'flood-' + round + '-' + i + '@example.com',
    password: 'not the right password',
  });
  return 'POST /trpc/auth.signIn HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n' +
    'content-type: application/json\\r\\ncontent-length: ' + Buffer.byteLength(body) +
    '\\r\\n\\r\\n' + body;
};
for (let i = 0; i < n; i++) {
  const socket = net.connect(port, '127.0.0.1', () => {
    if (++open === n) process.stdout.write('ready\\n');
  });
  let raw = '';
  socket.on('data', (chunk) => {
    raw += chunk.toString();
    const split = raw.indexOf('\\r\\n\\r\\n'); if (split === -1) return;
    const head = raw.slice(0, split);
    const length = Number(/content-length: (\\d+)/i.exec(head)?.[1] ?? 0);
    const body = raw.slice(split + 4); if (Buffer.byteLength(body) < length) return;
    const status = Number(/^HTTP\\/1\\.1 (\\d+)/.exec(raw)?.[1] ?? 0);
    const retryAfter = /\\r\\nretry-after: ([^\\r]+)/i.exec(head)?.[1] ?? null;
    raw = '';
    answers.push([status, JSON.parse(body).error?.data?.reason, retryAfter]);
    if (answers.length === n) {
      process.stdout.write(JSON.stringify(answers) + '\\n');
      answers = [];
    }
  });
  sockets.push(socket);
}
require('node:readline').createInterface({ input: process.stdin }).on('line', () => {
  round++;
  for (let i = 0; i < n; i++) sockets[i].write(request(i));
});
`;

/**
 * ARGON2_CONCURRENCY=1 gives one hash at a time and four queued: five places,
 * of which one queue place is kept for browsers with a device cookie (the
 * flood has none): four for the flood.
 */
const SIGN_IN_PLACES = 4;
/** Sign-ins per burst, all at once on as many pre-opened connections. */
const BURST = 200;
const BURSTS = 10;
const METRICS_TOKEN = 'metrics-token-for-the-sign-in-flood-fault-0123456789';

interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  next(): Promise<string>;
}

/** A node process (`args` after the binary), its stdout read line by line. */
function spawnNode(args: string[], children: ChildProcess[]): Child {
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(proc);
  killOnExit(proc);
  const lines: string[] = [];
  let buffered = '';
  let exited = false;
  proc.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  proc.once('exit', () => {
    if (buffered) lines.push(buffered);
    exited = true;
  });
  let read = 0;
  return {
    proc,
    lines,
    async next() {
      while (lines.length <= read) {
        if (exited) throw new Error(`${args[0] ?? 'node'} exited before writing the next line`);
        await sleep(5);
      }
      return lines[read++] ?? '';
    },
  };
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

describe.runIf(postgresBinDir() !== undefined || IN_CI)(
  'sign-in flood (own PostgreSQL cluster)',
  () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startThrowawayCluster();
    });
    afterAll(async () => {
      await cluster?.destroy();
    });

    it('6. 200 concurrent wrong sign-ins: 401 or 429, a row per hash, RSS bounded', async () => {
      const children: ChildProcess[] = [];
      const tenant = await startTenant({
        DATABASE_URL: cluster.url,
        ARGON2_CONCURRENCY: '1',
        LOGIN_MAX_FAILURES_PER_IP: '100000',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
        METRICS_TOKEN,
      });
      const db = new pg.Client({ connectionString: cluster.url });
      try {
        const { port, url } = tenant.server;
        const pid = tenant.server.process.pid;
        await db.connect();
        const audited = async (): Promise<number> =>
          Number(
            (
              await db.query<{ n: string }>(
                "select count(*) as n from audit_events where action = 'auth.sign_in'",
              )
            ).rows[0]?.n ?? 0,
          );
        const hashingRefusals = async (): Promise<number> => {
          const text = await (
            await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
          ).text();
          return Number(
            /^gatehouse_rate_limit_rejections_total\{class="password_hashing"\} (\d+)/m.exec(
              text,
            )?.[1] ?? 0,
          );
        };

        // Both clients are processes of their own, so neither's work is in the other's numbers.
        const probe = spawnNode(['-e', PROBE, `${url}/trpc/system.version`], children);
        const flood = spawnNode(['-e', FLOOD, String(port), String(BURST)], children);
        expect(await probe.next()).toBe('warm');
        expect(await flood.next()).toBe('ready');
        const [auditBefore, refusalsBefore, rssBefore] = [
          await audited(),
          await hashingRefusals(),
          rssMb(pid),
        ];
        const logFrom = tenant.server.output.length;

        const bursts: [number, number][] = [];
        const answers: [number, string, string | null][] = [];
        for (let round = 0; round < BURSTS; round++) {
          const started = Date.now();
          flood.proc.stdin?.write('go\n');
          answers.push(...(JSON.parse(await flood.next()) as [number, string, string | null][]));
          bursts.push([started, Date.now()]);
          await sleep(200);
        }
        const rssAfter = rssMb(pid);
        probe.proc.stdin?.end('stop');
        await new Promise((r) => probe.proc.once('exit', r));
        const samples = JSON.parse(probe.lines.at(-1) ?? '[]') as [number, number, number][];

        // Every attempt answered: hashed and refused add up to what was sent, nothing else.
        const hashed = answers.filter(([status]) => status === 401);
        const refused = answers.filter(([status]) => status === 429);
        expect(answers).toHaveLength(BURSTS * BURST);
        expect(answers.filter(([status]) => status !== 401 && status !== 429)).toEqual([]);
        expect(hashed.length + refused.length).toBe(BURSTS * BURST);
        expect(hashed.every(([, reason]) => reason === 'INVALID_CREDENTIALS')).toBe(true);
        expect(
          refused.every(
            ([, reason, retryAfter]) => reason === 'RATE_LIMITED' && retryAfter === '1',
          ),
        ).toBe(true);
        // The cap held: each burst found the shared places empty and filled them,
        // and 200 at once against four places cannot all be let in.
        expect(hashed.length).toBeGreaterThanOrEqual(BURSTS * SIGN_IN_PLACES);
        expect(refused.length).toBeGreaterThan(0);
        // Every refusal is the front door's password-hashing refusal (no tRPC,
        // no database), and only the hashed attempts reached the audit log.
        expect((await hashingRefusals()) - refusalsBefore).toBe(refused.length);
        expect((await audited()) - auditBefore).toBe(hashed.length);
        // The server logged each answer as it was sent.
        const accessLog = tenant.server.output
          .slice(logFrom)
          .map((l) => {
            try {
              return JSON.parse(l) as { msg?: string; path?: string; status?: number };
            } catch {
              return {};
            }
          })
          .filter((l) => l.msg === 'request' && l.path === '/trpc/auth.signIn');
        expect(accessLog.filter((l) => l.status === 429)).toHaveLength(refused.length);
        expect(accessLog.filter((l) => l.status === 401)).toHaveLength(hashed.length);
        // Memory stays bounded: refused attempts hold nothing.
        expect(rssAfter - rssBefore).toBeLessThan(100);
        // The probe was answered 200 throughout, bursts included.
        expect(samples.length).toBeGreaterThan(0);
        expect(samples.filter(([, ms, status]) => status !== 200 || !Number.isFinite(ms))).toEqual(
          [],
        );
        expect(
          samples.some(([t, ms]) => bursts.some(([from, to]) => t <= to && t + ms >= from)),
        ).toBe(true);
        expect(tenant.server.process.exitCode).toBeNull();
      } finally {
        for (const c of children) c.kill('SIGKILL');
        await db.end().catch(() => undefined);
        await tenant.server.stop();
      }
    });
  },
);
