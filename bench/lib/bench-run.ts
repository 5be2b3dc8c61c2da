import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchDatabase, createBenchDatabase } from './bench-database';
import { benchMail } from './bench-mail';
import type { BenchOptions } from './bench-options';
import { ensureNode } from './ensure-node';
import { ensureWrk } from './ensure-wrk';
import { log } from './log';
import type { Measurement } from './measurement';
import { serverEnv } from './server-env';

/** One `pnpm bench` run: what every phase reads, and the rows they add. */
export interface BenchRun {
  readonly options: BenchOptions;
  /** The Node.js binary the measured processes run on. */
  readonly execPath: string;
  /** Logs and data directories of the processes. */
  readonly workDir: string;
  readonly database: BenchDatabase;
  /** The Gatehouse server's environment (serverEnv). */
  readonly env: Record<string, string>;
  /** Whether a scenario or section id was asked for (`--only`). */
  wanted(id: string): boolean;
  readonly rows: Measurement[];
  /** The sections after the main table: the sign-in flood and the table sizes. */
  readonly extra: { flood?: string; rows?: string; rounds?: string };
}

/** Phase 1: wrk and Node.js at hand, a work directory and a fresh database. */
export async function prepareRun(options: BenchOptions): Promise<BenchRun> {
  ensureWrk();
  const execPath = ensureNode(options.node);
  const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const database = await createBenchDatabase(options.database);
  const name = database.url ? ` (${new URL(database.url).pathname.slice(1)})` : '';
  log(`database: ${database.kind}${name}; logs in ${workDir}`);
  return {
    options,
    execPath,
    workDir,
    database,
    env: { ...serverEnv(database, workDir), SMTP_URL: (await benchMail()).url },
    wanted: (id) => options.only.length === 0 || options.only.some((o) => id.includes(o)),
    rows: [],
    extra: {},
  };
}
