import { join } from 'node:path';
import { SCENARIOS } from '../scenarios';
import { seedTenant } from '../scenarios/seed-tenant';
import type { ScenarioContext } from '../scenarios/scenario';
import type { BenchRun } from './bench-run';
import type { BenchTargets } from './bench-targets';
import { log } from './log';
import type { Target } from './spawn-target';

/** What the scenarios prepare their requests against. */
export function scenarioContext(run: BenchRun, gatehouse: Target): ScenarioContext {
  return {
    gatehouseUrl: gatehouse.url,
    database: run.database.kind,
    databaseUrl: run.database.url,
  };
}

/**
 * Every scenario asked for, against the Gatehouse server (or a second one
 * with the session cache off, for the scenarios that ask for it): checked
 * once, then measured into a row.
 */
export async function measureScenarios(
  run: BenchRun,
  targets: BenchTargets,
  gatehouse: Target,
): Promise<void> {
  const context = scenarioContext(run, gatehouse);
  let noCache: Target | undefined;
  const serverFor = async (kind: 'default' | 'session-cache-off' | undefined) => {
    if (kind !== 'session-cache-off') return gatehouse;
    noCache ??= await targets.start({
      name: 'gatehouse-no-cache',
      script: 'server/src/main.ts',
      env: {
        ...run.env,
        SESSION_CACHE: 'false',
        GATEHOUSE_DATA_DIR: join(run.workDir, 'data-no-cache'),
      },
      logFile: join(run.workDir, 'gatehouse-no-cache.log'),
      readyPath: '/readyz',
    });
    return noCache;
  };
  const wanted = SCENARIOS.filter((s) => run.wanted(s.id));
  if (wanted.some((s) => s.baseline === 'tenant-floor') && run.database.url)
    await measureTenantFloor(run, targets, gatehouse);
  for (const scenario of wanted) {
    if (scenario.server === 'session-cache-off' && run.database.kind === 'embedded') {
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
    run.rows.push({
      id: scenario.id,
      title: scenario.title,
      kind: 'scenario',
      callsPerRequest: scenario.callsPerRequest,
      baseline: scenario.baseline,
      ...(scenario.target !== undefined ? { target: scenario.target } : {}),
      result: await targets.measure(server, request),
    });
  }
}

/**
 * The floor the org-scoped scenarios are a share of: the seeded tenant's page through the bare
 * driver in three round trips (targets/tenant-page-floor-server.ts), same database and rows.
 */
async function measureTenantFloor(
  run: BenchRun,
  targets: BenchTargets,
  gatehouse: Target,
): Promise<void> {
  const tenant = await seedTenant(gatehouse.url);
  await targets.measureProcess(
    {
      name: 'tenant-floor',
      script: 'bench/targets/tenant-page-floor-server.ts',
      env: {
        DATABASE_URL: run.database.url ?? '',
        BENCH_USER_ID: tenant.userId,
        BENCH_ORG_ID: tenant.orgId,
      },
      logFile: join(run.workDir, 'tenant-floor.log'),
      readyPath: '/',
    },
    { method: 'GET', path: '/' },
    {
      id: 'tenant-floor',
      title: 'floor: node:http + pg, a tenant page in 3 round trips (BEGIN+settings, page, COMMIT)',
      kind: 'baseline',
      callsPerRequest: 1,
    },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
