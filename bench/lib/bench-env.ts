/**
 * The only place the bench reads its own environment (the server reads
 * its configuration itself, in server/src/config).
 */
export const BENCH_ENV = {
  /** PostgreSQL server to create the bench database on (`--database postgres`). */
  databaseUrl: process.env.DATABASE_URL || undefined,
  path: process.env.PATH,
  home: process.env.HOME,
} as const;
