import { writeFileSync } from 'node:fs';
import type { BenchOptions } from './bench-options';
import { formatTable } from './format-table';
import type { MachineInfo } from './machine-info';
import type { Measurement } from './measurement';

/** Writes bench/RESULTS.md: the machine, the run's settings, the table and how to read it. */
export function writeResults(file: string, machine: MachineInfo, options: BenchOptions, rows: readonly Measurement[], notes: readonly string[]): void {
  const text = `# Benchmark results

Written by \`pnpm bench --write\`; every number below comes from one run, baselines included.

| | |
|---|---|
| date | ${machine.date} |
| commit | ${machine.commit} |
| machine | ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os} |
| Node | ${machine.node} |
| load | ${machine.wrk}: \`wrk -t1 -c${options.connections} -d${options.durationSeconds}s\` on loopback, after a 3 s warm-up per target |
| database | ${options.database === 'embedded' ? 'embedded PGlite (each process its own)' : 'PostgreSQL, a fresh database for the run'} |

${formatTable(rows)}

- **raw**: \`node:http\` answering a fixed JSON body. **raw-select**: \`node:http\` plus one primary-key \`SELECT\` through the bare driver on the same kind of database.
- **ref-stock** / **ref-ours**: the app router with the server's real dependencies and createContext behind tRPC's standalone adapter, and behind Gatehouse's trpc-endpoint; neither has the front door (headers, CORS, rate limits, access log).
- **Numbered rows** are the issue's scenarios against the real server process: the whole front door and pipeline, an access-log line per request at \`LOG_LEVEL=info\` to a file.
- calls/s = req/s × procedure calls per request. Ratios are of req/s.
${notes.map((n) => `- ${n}`).join('\n')}
`;
  writeFileSync(file, text);
}
