import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './database';
import { autoPreparingPool, createStatementNamer } from './auto-prepare';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { PGliteDialect } from './pglite-dialect';

export interface DatabaseOptions {
  /** Unset: embedded PGlite in `dataDir` (`memory://` keeps it in memory). */
  readonly url: string | undefined;
  readonly poolSize: number;
  /**
   * PostgreSQL: run this many times, a query text becomes a prepared statement (default 5; 0:
   * never).
   */
  readonly prepareThreshold?: number;
  readonly dataDir: string;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  /** Pool gauges for metrics; zeros for PGlite's single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  /** Whether a trivial query answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  destroy(): Promise<void>;
}

/**
 * Opens the database: PostgreSQL through a `pg` pool when a URL is given,
 * otherwise PGlite persisted in the data directory (locked against a second
 * process opening it).
 */
export async function createDatabase(
  options: DatabaseOptions,
  log: Logger,
): Promise<DatabaseHandle> {
  if (options.url !== undefined)
    return createPostgres(
      options.url,
      options.poolSize,
      options.prepareThreshold ?? DEFAULT_PREPARE_THRESHOLD,
      log,
    );
  return createPGlite(options.dataDir, log);
}

const DEFAULT_PREPARE_THRESHOLD = 5;
/** Prepared statements per connection at most: the app's hot queries, with room to spare. */
const MAX_PREPARED_STATEMENTS = 256;

function createPostgres(
  url: string,
  poolSize: number,
  prepareThreshold: number,
  log: Logger,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // Without this listener a PostgreSQL restart kills the process.
  pool.on('error', (err) =>
    log.warn(
      { err: { message: err.message, code: (err as { code?: string }).code } },
      'idle database connection lost',
    ),
  );
  // A connection that dies while checked out (mid-transaction) emits 'error' on
  // the client itself; unhandled, that would kill the process. The query in
  // flight fails on its own and the pool discards the client.
  pool.on('connect', (client) => {
    client.on('error', (err) =>
      log.warn(
        { err: { message: err.message, code: (err as { code?: string }).code } },
        'database connection lost while in use',
      ),
    );
  });
  const nameFor = createStatementNamer({
    threshold: prepareThreshold,
    maxStatements: MAX_PREPARED_STATEMENTS,
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: autoPreparingPool(pool, nameFor) }),
  });
  return {
    db,
    kind: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ping: (timeoutMs = 2_000) => ping(db, timeoutMs),
    destroy: () => db.destroy(),
  };
}

async function createPGlite(dataDir: string, log: Logger): Promise<DatabaseHandle> {
  let lock: DataDirLock | undefined;
  let client: PGlite;
  if (dataDir === 'memory://') {
    client = new PGlite();
  } else {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    lock = acquireDataDirLock(dir);
    client = new PGlite(resolve(dir, 'pgdata'));
  }
  await client.waitReady;
  log.debug({ dataDir }, 'embedded database ready');
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    ping: (timeoutMs = 2_000) => ping(db, timeoutMs),
    destroy: async () => {
      await db.destroy();
      lock?.release();
    },
  };
}

async function ping(db: Kysely<Database>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
