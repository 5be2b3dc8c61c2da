import type { WrkResult } from '../lib/run-wrk';
import type { TableSizes } from './grow-tables';

/** Scenario 7: scenarios 2 and 3 measured at each table size. */
export interface RowsLevel {
  readonly sizes: TableSizes;
  readonly authMe: WrkResult;
  readonly projectsList: WrkResult;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The table, and whether the largest size's p50 stays within 20% of the smallest's. */
export function formatRows(levels: readonly RowsLevel[]): string {
  const lines = [
    '| rows in sessions / org projects / audit_events | auth.me req/s | p50 ms | p99 ms ' +
      '| projects.list req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...levels.map(
      (l) =>
        `| ${n(l.sizes.sessions)} / ${n(l.sizes.projects)} / ${n(l.sizes.auditEvents)} | ` +
        `${n(l.authMe.requestsPerSecond)} | ${l.authMe.p50Ms.toFixed(2)} | ` +
        `${l.authMe.p99Ms.toFixed(2)} | ${n(l.projectsList.requestsPerSecond)} | ` +
        `${l.projectsList.p50Ms.toFixed(2)} | ${l.projectsList.p99Ms.toFixed(2)} |`,
    ),
  ];
  const first = levels[0];
  const last = levels.at(-1);
  if (first && last && first !== last) {
    const change = (a: number, b: number): string =>
      `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)}%`;
    const ok = (a: number, b: number): string => (Math.abs(b - a) / a <= 0.2 ? 'met' : 'missed');
    const authMe = [first.authMe.p50Ms, last.authMe.p50Ms] as const;
    const list = [first.projectsList.p50Ms, last.projectsList.p50Ms] as const;
    lines.push(
      '',
      `p50 from the smallest to the largest tables: auth.me ${change(...authMe)}, ` +
        `projects.list ${change(...list)} ` +
        `(target: within 20%: ${ok(...authMe)}, ${ok(...list)}).`,
    );
  }
  return lines.join('\n');
}
