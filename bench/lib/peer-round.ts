import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRun } from './bench-run';
import type { BenchTargets } from './bench-targets';
import { log } from './log';
import type { Target } from './spawn-target';

/** The peer's installed version, from its package (what the table names). */
function betterAuthVersion(): string {
  const file = new URL(
    '../peers/better-auth/node_modules/better-auth/package.json',
    import.meta.url,
  );
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Signs a user up on the peer and returns its session cookie. */
async function peerCookie(target: Target): Promise<string> {
  const res = await fetch(`${target.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: target.url },
    body: JSON.stringify({
      email: `peer-${Date.now()}@example.com`,
      password: 'a long benchmark passphrase',
      name: 'Bench',
    }),
  });
  if (res.status !== 200) throw new Error(`better-auth sign-up answered ${res.status}`);
  await res.arrayBuffer();
  // With the cookie cache on, it also sets the cached-session cookie: send them all back.
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/**
 * better-auth's `get-session` with a session cookie, without and with its cookie cache,
 * measured in the same run as Gatehouse's `auth.me` (PostgreSQL only: the peer needs a server
 * database). Each row's target is how many times Gatehouse's `auth.me` it must be beaten by.
 */
export async function measurePeers(run: BenchRun, targets: BenchTargets): Promise<void> {
  if (!run.database.url) {
    log('skipping the better-auth peer: it needs PostgreSQL');
    return;
  }
  const version = betterAuthVersion();
  for (const cache of [false, true]) {
    const id = cache ? 'peer-ba-cookie-cache' : 'peer-ba';
    const target = await targets.start({
      name: id,
      script: 'bench/peers/better-auth/server.ts',
      env: { DATABASE_URL: run.database.url, BENCH_COOKIE_CACHE: cache ? '1' : '0' },
      logFile: join(run.workDir, `${id}.log`),
      readyPath: '/',
    });
    try {
      const request = {
        method: 'GET' as const,
        path: '/api/auth/get-session',
        headers: { cookie: await peerCookie(target) },
      };
      const check = await fetch(`${target.url}${request.path}`, { headers: request.headers });
      const body = (await check.json()) as { session?: unknown } | null;
      if (check.status !== 200 || !body?.session)
        throw new Error(`better-auth get-session answered ${check.status} without a session`);
      log(`measuring ${id}`);
      run.rows.push({
        id,
        title: `better-auth ${version} get-session${cache ? ', cookie cache on' : ''}`,
        kind: 'reference',
        callsPerRequest: 1,
        peer: { gatehouse: '2-auth-me-cookie', atLeast: cache ? 10 : 20 },
        result: await targets.measure(target, request),
      });
    } finally {
      await targets.stop(target);
    }
  }
}
