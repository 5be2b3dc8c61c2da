import { readFileSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/create-database';
import type { Database } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { PGliteDialect } from '../../src/db/pglite-dialect';

/**
 * A migrated in-memory PGlite, dumped to `file` once per test run
 * (globalSetup). Creating PGlite runs initdb in WebAssembly, 2-3 s of CPU
 * each time; a test database loaded from this dump is the same migrated
 * database in about 0.6 s.
 */
export async function writeMigratedSnapshot(file: string): Promise<void> {
  const client = new PGlite();
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
    const dump = await client.dumpDataDir('none');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.destroy();
  }
}

/**
 * A fresh in-memory PGlite from the dump: what `createDatabase` opens for `memory://`, already
 * migrated.
 */
export async function openMigratedSnapshot(file: string): Promise<DatabaseHandle> {
  const client = new PGlite({ loadDataDir: new Blob([readFileSync(file)]) });
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    ping: async (timeoutMs = 2_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
      );
      try {
        return await Promise.race([sql`select 1`.execute(db).then(() => true), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    destroy: () => db.destroy(),
  };
}
