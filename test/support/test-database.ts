import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../server/src/db/create-database';
import { migrateToLatest } from '../../server/src/db/migrator';
import { openMigratedSnapshot } from '../../server/test/support/pglite-snapshot';
import { TEST_DATABASE_URL } from './test-env';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly handle: DatabaseHandle;
  /** For PostgreSQL: the URL of this test's own database. */
  readonly url: string | undefined;
  destroy(): Promise<void>;
}

const silent = pino({ level: 'silent' });

/**
 * A fresh, isolated database: an in-memory PGlite, or a new PostgreSQL
 * database (created from TEST_DATABASE_URL, dropped afterwards).
 */
export async function createTestDatabase(
  kind: DatabaseKind,
  options?: { migrate?: boolean },
): Promise<TestDatabase> {
  const migrate = options?.migrate ?? true;
  if (kind === 'pglite') {
    // Migrated: loaded from the run's dump (pglite-snapshot-setup.ts), not made and migrated again.
    const snapshot = migrate ? inject('pgliteSnapshot') : undefined;
    if (snapshot) {
      const handle = await openMigratedSnapshot(snapshot);
      return { kind, handle, url: undefined, destroy: () => handle.destroy() };
    }
    const handle = await createDatabase(
      { url: undefined, poolSize: 1, dataDir: 'memory://' },
      silent,
    );
    if (migrate) await applyMigrations(handle);
    return { kind, handle, url: undefined, destroy: () => handle.destroy() };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const url = await createPostgresDatabase(name);
  const handle = await createDatabase({ url, poolSize: 5, dataDir: '' }, silent);
  if (migrate) await applyMigrations(handle);
  return {
    kind,
    handle,
    url,
    destroy: async () => {
      await handle.destroy();
      await dropPostgresDatabase(name);
    },
  };
}

/** Creates an empty PostgreSQL database next to TEST_DATABASE_URL and returns its URL. */
export async function createPostgresDatabase(name: string): Promise<string> {
  const admin = adminDb();
  try {
    await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  const url = new URL(TEST_DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  const admin = adminDb();
  try {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
  } finally {
    await admin.destroy();
  }
}

function adminDb(): Kysely<unknown> {
  return new Kysely({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 }),
    }),
  });
}

async function applyMigrations(handle: DatabaseHandle): Promise<void> {
  const { error } = await migrateToLatest(handle.db);
  if (error) throw error;
}
