import { formatRows, type RowsLevel } from '../rows/format-rows';
import { growTables } from '../rows/grow-tables';
import { authMeCookie } from '../scenarios/02-auth-me-cookie';
import { projectsListApiKey } from '../scenarios/03-projects-list-api-key';
import { seedTenant } from '../scenarios/seed-tenant';
import type { BenchRun } from './bench-run';
import { type BenchTargets, expectOk } from './bench-targets';
import { log } from './log';
import { scenarioContext } from './scenario-round';
import type { Target } from './spawn-target';

export const ROWS_ID = '7-table-sizes';
const ROW_LEVELS = [1_000, 1_000_000];

/**
 * auth.me and projects.list as sessions, projects and audit_events grow to
 * each level (PostgreSQL only); run before the flood, which leaves thousands
 * of audit rows and failed-sign-in work behind it (autovacuum, GC) that would
 * skew the 1k level.
 */
export async function measureTableSizes(
  run: BenchRun,
  targets: BenchTargets,
  gatehouse: Target,
): Promise<void> {
  if (!run.database.url) {
    log(
      `skipping ${ROWS_ID}: it grows tables to a million rows, ` +
        'on PostgreSQL only (--database postgres)',
    );
    return;
  }
  const context = scenarioContext(run, gatehouse);
  const tenant = await seedTenant(gatehouse.url);
  const me = await authMeCookie.prepare(context);
  const list = await projectsListApiKey.prepare(context);
  const levels: RowsLevel[] = [];
  for (const rowCount of ROW_LEVELS) {
    const rows = rowCount.toLocaleString('en-US');
    log(`${ROWS_ID}: growing sessions, projects and audit_events to ${rows} rows`);
    const sizes = await growTables(run.database.url, tenant.orgId, rowCount);
    await expectOk(gatehouse, list);
    log(`measuring ${ROWS_ID} at ${rows} rows`);
    levels.push({
      sizes,
      authMe: await targets.measure(gatehouse, me),
      projectsList: await targets.measure(gatehouse, list),
    });
  }
  run.extra.rows = formatRows(levels);
  process.stdout.write(`\n${run.extra.rows}\n`);
}
