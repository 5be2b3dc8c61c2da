import { join } from 'node:path';
import { formatFlood, measureSignInFlood } from '../flood/sign-in-flood';
import type { BenchRun } from './bench-run';
import type { BenchTargets } from './bench-targets';
import { log } from './log';
import type { Target } from './spawn-target';

export const FLOOD_ID = '6-sign-in-flood';

/** The sign-in flood against Gatehouse, beside a bare argon2 server at the same cap (the floor). */
export async function measureFlood(
  run: BenchRun,
  targets: BenchTargets,
  gatehouse: Target,
): Promise<void> {
  const argon2Concurrency = Number(run.env.ARGON2_CONCURRENCY);
  const floor = await targets.start({
    name: 'floor',
    script: 'bench/targets/bare-sign-in-server.ts',
    args: [String(argon2Concurrency)],
    env: {},
    logFile: join(run.workDir, 'floor.log'),
    readyPath: '/',
  });
  log(`measuring ${FLOOD_ID}`);
  const flood = await measureSignInFlood({
    gatehouseUrl: gatehouse.url,
    floorUrl: floor.url,
    gatehouseLogFile: join(run.workDir, 'gatehouse.log'),
    execPath: run.execPath,
    argon2Concurrency,
    connections: run.options.connections,
    seconds: run.options.durationSeconds,
    workDir: run.workDir,
  }).finally(() => targets.stop(floor));
  run.extra.flood = formatFlood(flood);
  process.stdout.write(`\n${run.extra.flood}\n`);
}
