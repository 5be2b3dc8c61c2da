import { seedTenant } from '../scenarios/seed-tenant';
import { soak, writeSoak } from '../soak';
import type { BenchRun } from './bench-run';
import { log } from './log';
import type { Target } from './spawn-target';

/** `--soak`: steady load on auth.me for the given minutes instead of the table. */
export async function runSoak(
  run: BenchRun,
  gatehouse: Target,
  minutes: number,
  resultsFile: string,
): Promise<void> {
  const tenant = await seedTenant(gatehouse.url);
  const result = await soak(
    gatehouse,
    { method: 'GET', path: '/trpc/auth.me', headers: { cookie: tenant.cookie } },
    minutes,
    run.workDir,
    log,
  );
  const rss = result.samples.map((x) => x.rssMb.toFixed(0)).join(' ');
  const files = result.samples.map((x) => x.openFiles).join(' ');
  log(
    `soak: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors; ` +
      `RSS ${rss} MB; open files ${files}`,
  );
  if (run.options.write) writeSoak(resultsFile, result, run.database.kind);
}
