/** What `pnpm bench` was asked to do. */
export interface BenchOptions {
  readonly database: 'embedded' | 'postgres';
  /** Write bench/RESULTS.md. */
  readonly write: boolean;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Interleaved rounds of the main table (each row once per round); medians are reported. */
  readonly rounds: number;
  /** Only scenarios whose id contains one of these. */
  readonly only: readonly string[];
  /** Run the soak (a long steady load at half capacity) instead of the table; minutes. */
  readonly soakMinutes: number | undefined;
  /**
   * Node.js for the measured processes: a path, or a major version installed from the npm registry.
   * Default: this one.
   */
  readonly node: string | undefined;
}

const HELP = `Usage: pnpm bench [-- options]

  --database embedded|postgres  embedded PGlite (default) or PostgreSQL at
                                DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
                                in a fresh database that is dropped afterwards
  --write                       write bench/RESULTS.md
  --duration <s>                seconds per measurement (default 10)
  --connections <n>             concurrent connections (default 50)
  --rounds <n>                  interleaved rounds of the main table, A B C … A B C …;
                                each row reports its median round (default 3)
  --only <id,...>               run only these scenarios
  --soak                        instead of the table: 10 minutes of steady load at half
                                the measured capacity, watching status codes, RSS and open
                                files (with --write, recorded in bench/RESULTS.md)
  --soak-minutes <n>            soak length (default 10)
  --node <major|path>           run the servers and baselines on another Node.js: a
                                path to its binary, or a major version (e.g. 24) that is
                                installed from the npm registry's \`node\` package into
                                bench/.node/<major> on first use
`;

/** Parses the command line; exits with the help text on `--help` or a bad option. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let database: BenchOptions['database'] = 'embedded';
  let write = false;
  let durationSeconds = 10;
  let connections = 50;
  let rounds = 3;
  let only: string[] = [];
  let soakMinutes: number | undefined;
  let node: string | undefined;
  const fail = (message: string): never => {
    process.stderr.write(`bench: ${message}\n\n${HELP}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => argv[++i] ?? fail(`${arg} needs a value`);
    if (arg === '--') continue;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (arg === '--write') write = true;
    else if (arg === '--database') {
      const v = value();
      if (v !== 'embedded' && v !== 'postgres') fail('--database is embedded or postgres');
      database = v as BenchOptions['database'];
    } else if (arg === '--duration') durationSeconds = positive(value(), fail);
    else if (arg === '--connections') connections = positive(value(), fail);
    else if (arg === '--rounds') rounds = positive(value(), fail);
    else if (arg === '--only') only = value().split(',').filter(Boolean);
    else if (arg === '--soak') soakMinutes ??= 10;
    else if (arg === '--soak-minutes') soakMinutes = positive(value(), fail);
    else if (arg === '--node') node = value();
    else fail(`unknown option ${arg}`);
  }
  return { database, write, durationSeconds, connections, rounds, only, soakMinutes, node };
}

function positive(text: string, fail: (m: string) => never): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fail(`${text} is not a positive integer`);
}
