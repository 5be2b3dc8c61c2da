import { sql, type Kysely } from 'kysely';

/**
 * Account lifecycle and support tools (issue 21).
 *
 * - Why an account is locked: `lock_kind` is `admin` (an administrator's lock),
 *   `ban` (with `lock_reason` and an optional `lock_expires_at`), `review` (the
 *   owner answered "this wasn't me" to an email change) or `erased`. Every lock
 *   keeps `locked_at` set, so each place that already refuses a locked account
 *   (sign-in, sessions, API keys, access tokens) refuses all four.
 * - Deletion: `deletion_due_at` is set when the owner asks (a grace period);
 *   signing in before it clears it; the retention sweep erases the account
 *   after it and sets `erased_at`.
 * - Exports: one row per request, produced off the request path; the document
 *   is sealed with the key ring and fetched once through a short-lived link
 *   whose token is stored only as SHA-256.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('lock_kind', 'text', (c) =>
      c.check(sql`lock_kind in ('admin', 'ban', 'review', 'erased')`),
    )
    .addColumn('lock_reason', 'text')
    .addColumn('lock_expires_at', 'timestamptz')
    .addColumn('locked_by', 'uuid')
    .addColumn('deletion_due_at', 'timestamptz')
    .addColumn('erased_at', 'timestamptz')
    .execute();
  await sql`update users set lock_kind = 'admin' where locked_at is not null`.execute(db);
  await db.schema
    .createIndex('users_deletion_due_idx')
    .on('users')
    .column('deletion_due_at')
    .where(sql.ref('deletion_due_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('data_exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'ready', 'fetched', 'failed')`),
    )
    .addColumn('token_hash', 'bytea', (c) => c.unique())
    .addColumn('document', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ready_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('fetched_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('data_exports_user_idx')
    .on('data_exports')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('data_exports_pending_idx')
    .on('data_exports')
    .column('created_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_exports').execute();
  await db.schema.dropIndex('users_deletion_due_idx').execute();
  await db.schema
    .alterTable('users')
    .dropColumn('lock_kind')
    .dropColumn('lock_reason')
    .dropColumn('lock_expires_at')
    .dropColumn('locked_by')
    .dropColumn('deletion_due_at')
    .dropColumn('erased_at')
    .execute();
}
