import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, type BenchOptions } from './lib/bench-options';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database';
import { DEFAULT_ARGON2_CONCURRENCY } from '../server/src/config/env-schema';
import { ensureNode, nodeVersion } from './lib/ensure-node';
import { ensureWrk } from './lib/ensure-wrk';
import { formatFlood, measureSignInFlood } from './flood/sign-in-flood';
import { formatRows, type RowsLevel } from './rows/format-rows';
import { growTables } from './rows/grow-tables';
import { formatTable } from './lib/format-table';
import { machineInfo } from './lib/machine-info';
import type { Measurement } from './lib/measurement';
import { runWrk, type WrkRequest, type WrkResult } from './lib/run-wrk';
import { spawnTarget, type SpawnTargetOptions, type Target } from './lib/spawn-target';
import { writeResults } from './lib/write-results';
import { SCENARIOS } from './scenarios';
import { authMeCookie } from './scenarios/02-auth-me-cookie';
import { projectsListApiKey } from './scenarios/03-projects-list-api-key';
import { seedTenant } from './scenarios/seed-tenant';
import { soak, writeSoak } from './soak';

/**
 * `pnpm bench`: starts the real server and the baselines, measures every
 * scenario with wrk in the same run, prints the table and, with `--write`,
 * records it in bench/RESULTS.md. Benchmarks, not tests: nothing here
 * asserts a time.
 */
const WARMUP_SECONDS = 3;
const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const FLOOD_ID = '6-sign-in-flood';
const ROWS_ID = '7-table-sizes';
const ROW_LEVELS = [1_000, 1_000_000];

async function main(options: BenchOptions): Promise<void> {
  ensureWrk();
  const execPath = ensureNode(options.node);
  const wanted = (id: string): boolean =>
    options.only.length === 0 || options.only.some((o) => id.includes(o));
  const extra: { flood?: string; rows?: string } = {};
  const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const database = await createBenchDatabase(options.database);
  const running: Target[] = [];
  const rows: Measurement[] = [];
  try {
    const env = serverEnv(database, workDir);
    const start = async (spawnOptions: SpawnTargetOptions): Promise<Target> => {
      log(`starting ${spawnOptions.name}`);
      const target = await spawnTarget({ ...spawnOptions, execPath });
      running.push(target);
      return target;
    };
    log(
      `database: ${database.kind}${database.url ? ` (${new URL(database.url).pathname.slice(1)})` : ''}; logs in ${workDir}`,
    );

    // The real server first: with PostgreSQL it migrates the fresh database.
    const gatehouse = await start({
      name: 'gatehouse',
      script: 'server/src/main.ts',
      args: database.kind === 'postgres' ? ['--migrate'] : [],
      env: { ...env.gatehouse, GATEHOUSE_DATA_DIR: join(workDir, 'data-gatehouse') },
      logFile: join(workDir, 'gatehouse.log'),
      readyPath: '/readyz',
    });

    if (options.soakMinutes !== undefined) {
      const tenant = await seedTenant(gatehouse.url);
      const result = await soak(
        gatehouse,
        { method: 'GET', path: '/trpc/auth.me', headers: { cookie: tenant.cookie } },
        options.soakMinutes,
        workDir,
        log,
      );
      log(
        `soak: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors; RSS ${result.samples.map((x) => x.rssMb.toFixed(0)).join(' ')} MB; open files ${result.samples.map((x) => x.openFiles).join(' ')}`,
      );
      if (options.write) writeSoak(RESULTS_FILE, result, database.kind);
      return;
    }

    const measure = async (target: Target, request: WrkRequest): Promise<WrkResult> => {
      await runWrk({
        baseUrl: target.url,
        request,
        durationSeconds: WARMUP_SECONDS,
        connections: options.connections,
        threads: 1,
        workDir,
      });
      return runWrk({
        baseUrl: target.url,
        request,
        durationSeconds: options.durationSeconds,
        connections: options.connections,
        threads: 1,
        workDir,
      });
    };
    // Baselines and references run one at a time, then stop: idle processes still hold memory.
    const measureProcess = async (
      spawn: SpawnTargetOptions,
      request: WrkRequest,
      row: Omit<Measurement, 'result'>,
    ): Promise<void> => {
      const target = await start(spawn);
      try {
        await expectOk(target, request);
        log(`measuring ${row.id}`);
        rows.push({ ...row, result: await measure(target, request) });
      } finally {
        await target.stop();
        running.splice(running.indexOf(target), 1);
      }
    };

    const version: WrkRequest = { method: 'GET', path: '/trpc/system.version' };
    await measureProcess(
      {
        name: 'raw',
        script: 'bench/targets/raw-json-server.ts',
        env: {},
        logFile: join(workDir, 'raw.log'),
        readyPath: '/',
      },
      version,
      {
        id: 'raw',
        title: 'baseline: raw node:http JSON',
        kind: 'baseline',
        callsPerRequest: 1,
      },
    );
    await measureProcess(
      {
        name: 'raw-select',
        script: 'bench/targets/raw-select-server.ts',
        env: database.url ? { DATABASE_URL: database.url } : {},
        logFile: join(workDir, 'raw-select.log'),
        readyPath: '/',
      },
      version,
      {
        id: 'raw-select',
        title: 'baseline: raw node:http + one PK SELECT',
        kind: 'baseline',
        callsPerRequest: 1,
      },
    );
    for (const adapter of ['stock', 'ours'] as const) {
      await measureProcess(
        {
          name: `ref-${adapter}`,
          script: 'bench/targets/trpc-adapter-server.ts',
          env: {
            ...env.gatehouse,
            BENCH_ADAPTER: adapter,
            GATEHOUSE_DATA_DIR: join(workDir, `data-${adapter}`),
          },
          logFile: join(workDir, `ref-${adapter}.log`),
          readyPath: '/healthz',
        },
        version,
        {
          id: `ref-${adapter}`,
          title:
            adapter === 'stock'
              ? 'system.version via tRPC’s stock standalone adapter'
              : 'system.version via Gatehouse’s handler, no front door',
          kind: 'reference',
          callsPerRequest: 1,
        },
      );
    }

    const context = {
      gatehouseUrl: gatehouse.url,
      database: database.kind,
      databaseUrl: database.url,
    };
    // A second server on the same database, with the session cache off, for the scenarios that ask for it.
    let noCache: Target | undefined;
    const serverFor = async (
      kind: 'default' | 'session-cache-off' | undefined,
    ): Promise<Target> => {
      if (kind !== 'session-cache-off') return gatehouse;
      noCache ??= await start({
        name: 'gatehouse-no-cache',
        script: 'server/src/main.ts',
        env: {
          ...env.gatehouse,
          SESSION_CACHE: 'false',
          GATEHOUSE_DATA_DIR: join(workDir, 'data-no-cache'),
        },
        logFile: join(workDir, 'gatehouse-no-cache.log'),
        readyPath: '/readyz',
      });
      return noCache;
    };
    for (const scenario of SCENARIOS) {
      if (!wanted(scenario.id)) continue;
      if (scenario.server === 'session-cache-off' && database.kind === 'embedded') {
        log(`skipping ${scenario.id}: a second server cannot share an embedded database`);
        continue;
      }
      const server = await serverFor(scenario.server);
      const request = await scenario.prepare(context);
      const res = await fetch(`${server.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      const text = await res.text();
      const problem = scenario.check(res.status, safeJson(text));
      if (problem) throw new Error(`scenario ${scenario.id}: ${problem}: ${text.slice(0, 300)}`);
      log(`measuring ${scenario.id}`);
      rows.push({
        id: scenario.id,
        title: scenario.title,
        kind: 'scenario',
        callsPerRequest: scenario.callsPerRequest,
        baseline: scenario.baseline,
        ...(scenario.target !== undefined ? { target: scenario.target } : {}),
        result: await measure(server, request),
      });
    }

    // Table sizes before the flood: the flood leaves thousands of audit rows and
    // failed-sign-in work behind it (autovacuum, GC) that would skew the 1k level.
    if (wanted(ROWS_ID)) {
      if (!database.url) {
        log(
          `skipping ${ROWS_ID}: it grows tables to a million rows, on PostgreSQL only (--database postgres)`,
        );
      } else {
        const tenant = await seedTenant(gatehouse.url);
        const me = await authMeCookie.prepare(context);
        const list = await projectsListApiKey.prepare(context);
        const levels: RowsLevel[] = [];
        for (const rowCount of ROW_LEVELS) {
          log(
            `${ROWS_ID}: growing sessions, projects and audit_events to ${rowCount.toLocaleString('en-US')} rows`,
          );
          const sizes = await growTables(database.url, tenant.orgId, rowCount);
          await expectOk(gatehouse, list);
          log(`measuring ${ROWS_ID} at ${rowCount.toLocaleString('en-US')} rows`);
          levels.push({
            sizes,
            authMe: await measure(gatehouse, me),
            projectsList: await measure(gatehouse, list),
          });
        }
        extra.rows = formatRows(levels);
        process.stdout.write(`\n${extra.rows}\n`);
      }
    }
    if (wanted(FLOOD_ID)) {
      const argon2Concurrency = Number(env.gatehouse.ARGON2_CONCURRENCY);
      const floor = await start({
        name: 'floor',
        script: 'bench/targets/bare-sign-in-server.ts',
        args: [String(argon2Concurrency)],
        env: {},
        logFile: join(workDir, 'floor.log'),
        readyPath: '/',
      });
      log(`measuring ${FLOOD_ID}`);
      const flood = await measureSignInFlood({
        gatehouseUrl: gatehouse.url,
        floorUrl: floor.url,
        gatehouseLogFile: join(workDir, 'gatehouse.log'),
        execPath,
        argon2Concurrency,
        connections: options.connections,
        seconds: options.durationSeconds,
        workDir,
      }).finally(async () => {
        await floor.stop();
        running.splice(running.indexOf(floor), 1);
      });
      extra.flood = formatFlood(flood);
      process.stdout.write(`\n${extra.flood}\n`);
    }
  } finally {
    for (const t of running.reverse()) await t.stop();
    await database.drop();
  }

  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  const notes = [
    database.kind === 'embedded'
      ? 'Embedded mode runs the server with GATEHOUSE_ENV=test: production refuses the embedded database. Nothing else differs (isDev is off in both).'
      : 'PostgreSQL mode runs the server with GATEHOUSE_ENV=production, TRUST_PROXY=127.0.0.1 (TLS terminates at a proxy in production), a generated encryption key and metrics token.',
    'Per-IP and per-principal rate limits stay on, with budgets far above the load, so the limiter runs on every request without refusing.',
  ];
  if (options.write) {
    writeResults(RESULTS_FILE, machineInfo(nodeVersion(execPath)), options, rows, notes, extra);
    log(`wrote ${RESULTS_FILE}`);
  }
  rmSync(workDir, { recursive: true, force: true });
}

/** Environment for the server processes: production-like, limits that never refuse the load. */
function serverEnv(
  database: BenchDatabase,
  workDir: string,
): { gatehouse: Record<string, string> } {
  const limits = {
    RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000000',
    RATE_LIMIT_READ_PER_MINUTE: '1000000000',
    RATE_LIMIT_WRITE_PER_MINUTE: '1000000000',
    RATE_LIMIT_ADMIN_PER_MINUTE: '1000000000',
    MAX_CONCURRENT_PER_IP: '100000',
    MAX_CONNECTIONS_PER_IP: '100000',
    // The sign-in flood measures the argon2 cap alone: no lockouts, no per-class refusal.
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000000',
    // The server's default (cores - 1, 1-3), stated so the flood's raw argon2 rate is measured at the same cap.
    ARGON2_CONCURRENCY: String(DEFAULT_ARGON2_CONCURRENCY),
  };
  const common = { LOG_LEVEL: 'info', ...limits };
  if (database.kind === 'embedded' || !database.url) {
    return {
      gatehouse: { ...common, GATEHOUSE_ENV: 'test', GATEHOUSE_DATA_DIR: join(workDir, 'data') },
    };
  }
  return {
    gatehouse: {
      ...common,
      GATEHOUSE_ENV: 'production',
      DATABASE_URL: database.url,
      TRUST_PROXY: '127.0.0.1',
      GATEHOUSE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      METRICS_TOKEN: randomBytes(24).toString('hex'),
    },
  };
}

async function expectOk(target: Target, request: WrkRequest): Promise<void> {
  const res = await fetch(`${target.url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`${target.name} answered ${res.status}: ${text.slice(0, 300)}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

main(parseBenchOptions(process.argv.slice(2))).catch((err: unknown) => {
  process.stderr.write(
    `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
