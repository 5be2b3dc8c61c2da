import type { WrkRequest } from '../lib/run-wrk';

/** What a scenario may use once the server is up. */
export interface ScenarioContext {
  /** The real Gatehouse server process. */
  readonly gatehouseUrl: string;
  readonly database: 'embedded' | 'postgres';
  /** PostgreSQL URL of this run's database, for seeding (undefined: embedded). */
  readonly databaseUrl: string | undefined;
}

/**
 * One row of the table: a request shape measured against the real server.
 * Add one file per scenario under bench/scenarios/ and list it in index.ts.
 */
export interface Scenario {
  /** Short id, `--only` matches it: e.g. `1-system-version`. */
  readonly id: string;
  readonly title: string;
  /** The baseline the target is a share of. */
  readonly baseline: 'raw' | 'raw-select' | 'tenant-floor';
  /** The target as a share of that baseline, if it sets one. */
  readonly target?: number;
  /**
   * Which server process it is measured against: the default one, or a second
   * one on the same database with `SESSION_CACHE=false` (every call reads its
   * session from the database).
   */
  readonly server?: 'default' | 'session-cache-off';
  /** Procedure calls per HTTP request (a batch holds several). */
  readonly callsPerRequest: number;
  /**
   * Seeds what the scenario needs (users, sessions, keys, rows) and returns the request to repeat.
   */
  prepare(ctx: ScenarioContext): Promise<WrkRequest>;
  /** Checks one answer before measuring, so a run never times refusals. */
  check(status: number, body: unknown): string | undefined;
}
