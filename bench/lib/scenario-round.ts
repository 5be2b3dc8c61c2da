import { join } from 'node:path';
import { SCENARIOS } from '../scenarios';
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
  for (const scenario of SCENARIOS) {
    if (!run.wanted(scenario.id)) continue;
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
