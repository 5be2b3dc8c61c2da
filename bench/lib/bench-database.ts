import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BENCH_ENV } from './bench-env';

/** The database one bench run uses. */
export interface BenchDatabase {
  readonly kind: 'embedded' | 'postgres';
  /** PostgreSQL: a fresh database made for this run. */
  readonly url: string | undefined;
  /** Dropped at the end of the run (PostgreSQL); nothing to do for PGlite. */
  drop(): Promise<void>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Embedded: each process opens its own PGlite. PostgreSQL: a fresh
 * database on the server of `DATABASE_URL` (or the local default), so a run
 * never touches existing data.
 */
export async function createBenchDatabase(kind: BenchDatabase['kind']): Promise<BenchDatabase> {
  if (kind === 'embedded') return { kind, url: undefined, drop: () => Promise.resolve() };
  const server = BENCH_ENV.databaseUrl ?? DEFAULT_SERVER;
  const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
  await admin(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: () => admin(server, `drop database if exists ${name} with (force)`),
  };
}

async function admin(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    // `name` is generated above from hex digits only: no input reaches this.
    await client.query(statement);
  } finally {
    await client.end();
  }
}
