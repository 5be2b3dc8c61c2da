import type { Logger } from 'pino';
import type { DatabaseDeps } from '../app-deps';
import type { Config } from '../config';
import { createDatabase, type DatabaseHandle } from '../db/create-database';
import { migrateToLatest, migrationStatus } from '../db/migrator';
import type { Slice } from './slice';

/** Thrown when an external database has migrations that were not applied. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: readonly string[]) {
    super(
      `the database has pending migrations: ${pending.join(', ')}; ` +
        'run `npx -y pnpm@10 gatehouse migrate latest` or start with --migrate',
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * The database, with its schema current: migrated when asked (the embedded
 * one always is), else refused with {@link PendingMigrationsError}. A
 * database handed in (tests) is not closed here.
 */
export async function databaseSlice(options: {
  readonly config: Config;
  readonly log: Logger;
  readonly migrate: boolean;
  readonly database: DatabaseHandle | undefined;
}): Promise<Slice<DatabaseDeps>> {
  const { log } = options;
  const database = options.database ?? (await createDatabase(options.config.database, log));
  const close = async (): Promise<void> => {
    if (!options.database) await database.destroy();
  };
  try {
    await prepareSchema(database, options.migrate || database.kind === 'pglite', log);
  } catch (err) {
    await close();
    throw err;
  }
  return { deps: { database, db: database.db }, close };
}

async function prepareSchema(
  database: DatabaseHandle,
  migrate: boolean,
  log: Logger,
): Promise<void> {
  if (migrate) {
    const { error, results } = await migrateToLatest(database.db);
    for (const r of results ?? [])
      log.info({ migration: r.migrationName, status: r.status }, 'migration');
    if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
    return;
  }
  const { pending } = await migrationStatus(database.db);
  if (pending.length > 0) throw new PendingMigrationsError(pending);
}
