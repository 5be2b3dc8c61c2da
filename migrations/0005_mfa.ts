import { type Kysely, sql } from 'kysely';

/** TOTP second factor and recovery codes. */
export async function up(db: Kysely<any>): Promise<void> {
  // Denormalised onto users so the session lookup (one join) knows it.
  await db.schema.alterTable('users').addColumn('mfa_enabled_at', 'timestamptz').execute();

  await db.schema
    .createTable('mfa_totp')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // Key-ring ciphertext, associated data `user:<id>:totp`.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'timestamptz')
    // The last accepted time step: a code is accepted once (no replay in its window).
    .addColumn('last_used_step', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('code_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('mfa_recovery_codes_user_idx')
    .on('mfa_recovery_codes')
    .column('user_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mfa_recovery_codes').execute();
  await db.schema.dropTable('mfa_totp').execute();
  await db.schema.alterTable('users').dropColumn('mfa_enabled_at').execute();
}
