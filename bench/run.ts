import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureBaselines } from './lib/baseline-round';
import { parseBenchOptions, type BenchOptions } from './lib/bench-options';
import { closeBenchMail } from './lib/bench-mail';
import { prepareRun } from './lib/bench-run';
import { benchTargets } from './lib/bench-targets';
import { FLOOD_ID, measureFlood } from './lib/flood-round';
import { reportResults } from './lib/report-results';
import { loadavg } from 'node:os';
import type { Measurement } from './lib/measurement';
import { log } from './lib/log';
import { medianRows } from './lib/median-rows';
import { measurePeers } from './lib/peer-round';
import { measureScenarios } from './lib/scenario-round';
import { runSoak } from './lib/soak-round';
import { measureTableSizes, ROWS_ID } from './lib/table-sizes-round';

/**
 * `pnpm bench`: starts the real server and the baselines, measures every
 * scenario with wrk in the same run, prints the table and, with `--write`,
 * records it in bench/RESULTS.md. Benchmarks, not tests: nothing here
 * asserts a time.
 */
const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** Prepare, start the targets, run the rounds, write the results. */
async function main(options: BenchOptions): Promise<void> {
  const run = await prepareRun(options);
  const targets = benchTargets(run);
  try {
    const gatehouse = await targets.startGatehouse();
    if (options.soakMinutes !== undefined) {
      return await runSoak(run, gatehouse, options.soakMinutes, RESULTS_FILE);
    }
    // Interleaved rounds: every row once per round, so each ratio compares neighbours in time.
    const rounds: Measurement[][] = [];
    const loads: string[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const load = loadavg()[0] ?? 0;
      loads.push(load.toFixed(2));
      log(`round ${round} of ${options.rounds}, load average ${load.toFixed(2)}`);
      const start = run.rows.length;
      await measureBaselines(run, targets);
      await measureScenarios(run, targets, gatehouse);
      if (run.wanted('peer-')) await measurePeers(run, targets);
      rounds.push(run.rows.splice(start));
    }
    const { rows, spread } = medianRows(rounds);
    run.rows.push(...rows);
    run.extra.rounds = `${spread}

Load average (1 min) at each round's start: ${loads.join(', ')}.`;
    if (run.wanted(ROWS_ID)) await measureTableSizes(run, targets, gatehouse);
    if (run.wanted(FLOOD_ID)) await measureFlood(run, targets, gatehouse);
  } finally {
    await targets.stopAll();
    await run.database.drop();
    await closeBenchMail();
  }
  reportResults(run, RESULTS_FILE);
  rmSync(run.workDir, { recursive: true, force: true });
}

main(parseBenchOptions(process.argv.slice(2))).catch((err: unknown) => {
  process.stderr.write(
    `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
