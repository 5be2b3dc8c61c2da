import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMail, closeBenchMail } from './lib/bench-mail';
import { createBenchDatabase } from './lib/bench-database';
import { runWrk, type WrkRequest } from './lib/run-wrk';
import { serverEnv } from './lib/server-env';
import { spawnTarget } from './lib/spawn-target';
import { SCENARIOS } from './scenarios';

/**
 * `npx tsx bench/profile.ts <scenario id> [seconds]`: one scenario against a Gatehouse server
 * on a fresh PostgreSQL database, under `node --cpu-prof`, then the profile's self time per
 * request by function and by file (the top of each). Not part of `pnpm bench`: a tool for
 * finding what to change next.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function main(): Promise<void> {
  const [id = '3-', seconds = '10'] = process.argv.slice(2);
  const scenario = SCENARIOS.find((s) => s.id.startsWith(id));
  if (!scenario) throw new Error(`no scenario ${id}`);
  const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-profile-'));
  const profDir = join(workDir, 'prof');
  mkdirSync(profDir);
  const database = await createBenchDatabase('postgres');
  const mail = await benchMail();
  const server = await spawnTarget({
    name: 'gatehouse',
    script: 'server/src/main.ts',
    args: ['--migrate'],
    env: {
      ...serverEnv(database, workDir),
      SMTP_URL: mail.url,
      ...(scenario.server === 'session-cache-off' ? { SESSION_CACHE: 'false' } : {}),
    },
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
    logFile: join(workDir, 'gatehouse.log'),
    readyPath: '/readyz',
  });
  let requests = 0;
  try {
    const request: WrkRequest = await scenario.prepare({
      gatehouseUrl: server.url,
      database: 'postgres',
      databaseUrl: database.url,
    });
    const wrk = (durationSeconds: number) =>
      runWrk({
        baseUrl: server.url,
        request,
        durationSeconds,
        connections: 50,
        threads: 1,
        workDir,
      });
    await wrk(3);
    const result = await wrk(Number(seconds));
    requests = result.requests;
    process.stdout.write(`${scenario.id}: ${Math.round(result.requestsPerSecond)} req/s\n`);
  } finally {
    await server.stop();
    await database.drop();
    await closeBenchMail();
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as {
    nodes: Node[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const total = profile.endTime - profile.startTime; // µs
  const perSample = total / profile.samples.length;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of profile.nodes) {
    const us = (n.hitCount ?? 0) * perSample;
    const where = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\//, '');
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    const pkg = where.includes('node_modules')
      ? (where.split('/node_modules/')[1]?.split('/').slice(0, 2).join('/') ?? where)
      : where || n.callFrame.functionName;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + us);
  }
  const measured = requests * (1 + 3 / Number(seconds)); // warm-up requests too, roughly
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => `${(us / measured).toFixed(1).padStart(7)} µs  ${name}`)
      .join('\n');
  process.stdout.write(`\nself time per request, by function:\n${top(byFn, 40)}\n`);
  process.stdout.write(`\nby file or package:\n${top(byFile, 30)}\n`);
  rmSync(workDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
