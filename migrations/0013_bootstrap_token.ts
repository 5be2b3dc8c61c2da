import { sql, type Kysely } from 'kysely';

/**
 * The one-time link for the first administrator. At most one row (id = 1):
 * a start-up on a database with no admin replaces it, so only the newest
 * link works. Only SHA-256 of the token is stored; the token itself appears
 * once, in the server's log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bootstrap_tokens')
    .addColumn('id', 'smallint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('token_hash', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bootstrap_tokens').execute();
}
