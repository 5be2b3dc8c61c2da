import { formatTable } from './format-table';
import type { BenchRun } from './bench-run';
import { nodeVersion } from './ensure-node';
import { log } from './log';
import { machineInfo } from './machine-info';
import { writeResults } from './write-results';

/** Phase 4: the table on stdout and, with `--write`, bench/RESULTS.md. */
export function reportResults(run: BenchRun, resultsFile: string): void {
  process.stdout.write(`\n${formatTable(run.rows)}\n\n`);
  if (run.extra.rounds) process.stdout.write(`${run.extra.rounds}\n\n`);
  const notes = [
    run.database.kind === 'embedded'
      ? 'Embedded mode runs the server with GATEHOUSE_ENV=test: ' +
        'production refuses the embedded database. Nothing else differs (isDev is off in both).'
      : 'PostgreSQL mode runs the server with GATEHOUSE_ENV=production, ' +
        'TRUST_PROXY=127.0.0.1 (TLS terminates at a proxy in production), ' +
        'a generated encryption key and metrics token.',
    'Per-IP and per-principal rate limits stay on, with budgets far above the load, ' +
      'so the limiter runs on every request without refusing.',
  ];
  if (run.options.write) {
    const machine = machineInfo(nodeVersion(run.execPath));
    writeResults(resultsFile, machine, run.options, run.rows, notes, run.extra);
    log(`wrote ${resultsFile}`);
  }
}
