import { migrations } from '@gatehouse/migrations';
import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';

/** The Kysely Migrator over the numbered migrations in `migrations/`. */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
  });
}

export interface MigrationStatus {
  readonly executed: readonly string[];
  readonly pending: readonly string[];
}

/** Which migrations have run and which are pending. */
export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus> {
  const all = await createMigrator(db).getMigrations();
  return {
    executed: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}

/** Runs every pending migration; returns Kysely's result set (never throws). */
export function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return createMigrator(db).migrateToLatest();
}
