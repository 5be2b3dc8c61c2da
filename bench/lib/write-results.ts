import type { BenchOptions } from './bench-options';
import { formatTable } from './format-table';
import type { MachineInfo } from './machine-info';
import type { Measurement } from './measurement';
import { writeSection } from './results-file';

/** Extra tables of one run: scenario 6 (the flood) and 7 (table sizes), already formatted. */
export interface ExtraSections {
  readonly flood?: string;
  readonly rows?: string;
  /** Each row's rate in every interleaved round, and the load at each round's start. */
  readonly rounds?: string;
}

/** The section heading a run writes: one per Node.js major version and database. */
export function sectionHeading(machine: MachineInfo, database: BenchOptions['database']): string {
  const major = machine.node.replace(/^v/, '').split('.')[0];
  return `Node ${major}, ${database === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'}`;
}

/**
 * Writes this run's section of bench/RESULTS.md: the machine, the settings, the tables and how to
 * read them.
 */
export function writeResults(
  file: string,
  machine: MachineInfo,
  options: BenchOptions,
  rows: readonly Measurement[],
  notes: readonly string[],
  extra: ExtraSections,
): void {
  const load =
    `${machine.wrk}: \`wrk -t1 -c${options.connections} -d${options.durationSeconds}s\` ` +
    'on loopback, after a 3 s warm-up per target';
  const database =
    options.database === 'embedded'
      ? 'embedded PGlite (each process its own)'
      : 'PostgreSQL, a fresh database for the run';
  const flood = extra.flood ? `\n### 6. Sign-in flood\n\n${extra.flood}\n` : '';
  const tableSizes = extra.rows ? `\n### 7. Table sizes\n\n${extra.rows}\n` : '';
  const body = [
    '| | |',
    '|---|---|',
    `| date | ${machine.date} |`,
    `| commit | ${machine.commit} |`,
    `| machine | ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os} |`,
    `| Node | ${machine.node} |`,
    `| load | ${load}; ${options.rounds} interleaved rounds, each row its median round |`,
    `| database | ${database} |`,
    '',
    formatTable(rows),
    '',
    ...(extra.rounds ? [extra.rounds, ''] : []),
    "- **tenant-floor**: `node:http` and the bare `pg` driver serving the seeded tenant's " +
      'page in three round trips. **peer-ba**: better-auth `get-session` on the same database.',
    '- **raw**: `node:http` answering a fixed JSON body. **raw-select**: `node:http` plus one ' +
      'primary-key `SELECT` through the bare driver on the same kind of database.',
    "- **ref-stock** / **ref-ours**: the app router with the server's real dependencies and " +
      "createContext behind tRPC's standalone adapter, and behind Gatehouse's trpc-endpoint; " +
      'neither has the front door (headers, CORS, rate limits, access log).',
    "- **Numbered rows** are the issue's scenarios against the real server process: the whole " +
      'front door and pipeline, an access-log line per request at `LOG_LEVEL=info` to a file. ' +
      '**2b** is a second server process on the same database with `SESSION_CACHE=false`.',
    '- calls/s = req/s × procedure calls per request. Ratios are of req/s.',
    notes.map((n) => `- ${n}`).join('\n'),
    flood + tableSizes,
  ].join('\n');
  writeSection(file, sectionHeading(machine, options.database), body);
}
