import { join } from 'node:path';
import type { BenchRun } from './bench-run';
import type { BenchTargets } from './bench-targets';
import type { WrkRequest } from './run-wrk';

const VERSION: WrkRequest = { method: 'GET', path: '/trpc/system.version' };

/**
 * The baselines (raw node:http, and with one primary-key SELECT) and the
 * references (system.version through tRPC's stock adapter and through
 * Gatehouse's handler without the front door), one process at a time.
 */
export async function measureBaselines(run: BenchRun, targets: BenchTargets): Promise<void> {
  const { workDir, database } = run;
  await targets.measureProcess(
    {
      name: 'raw',
      script: 'bench/targets/raw-json-server.ts',
      env: {},
      logFile: join(workDir, 'raw.log'),
      readyPath: '/',
    },
    VERSION,
    { id: 'raw', title: 'baseline: raw node:http JSON', kind: 'baseline', callsPerRequest: 1 },
  );
  await targets.measureProcess(
    {
      name: 'raw-select',
      script: 'bench/targets/raw-select-server.ts',
      env: database.url ? { DATABASE_URL: database.url } : {},
      logFile: join(workDir, 'raw-select.log'),
      readyPath: '/',
    },
    VERSION,
    {
      id: 'raw-select',
      title: 'baseline: raw node:http + one PK SELECT',
      kind: 'baseline',
      callsPerRequest: 1,
    },
  );
  for (const adapter of ['stock', 'ours'] as const) {
    await targets.measureProcess(
      {
        name: `ref-${adapter}`,
        script: 'bench/targets/trpc-adapter-server.ts',
        env: {
          ...run.env,
          BENCH_ADAPTER: adapter,
          GATEHOUSE_DATA_DIR: join(workDir, `data-${adapter}`),
        },
        logFile: join(workDir, `ref-${adapter}.log`),
        readyPath: '/healthz',
      },
      VERSION,
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
}
