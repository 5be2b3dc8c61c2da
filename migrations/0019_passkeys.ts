import { sql, type Kysely } from 'kysely';

/**
 * Passkeys (WebAuthn credentials, issue 20): one row per credential, its id unique across
 * accounts (the id in an assertion names exactly one account). `counter` is the
 * authenticator's last signature counter (0 for authenticators that keep none); `device_type`
 * is `singleDevice` or `multiDevice` (synced); `backed_up` is the last backup state seen.
 * Sessions gain the first factor `passkey`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('device_type', 'text', (c) =>
      c.notNull().check(sql`device_type in ('singleDevice', 'multiDevice')`),
    )
    .addColumn('backed_up', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('passkeys_user_idx').on('passkeys').column('user_id').execute();
  await sql`alter table sessions drop constraint sessions_auth_method_check`.execute(db);
  await sql`alter table sessions add constraint sessions_auth_method_check check
    (auth_method in ('password', 'email_link', 'email_code', 'impersonation', 'passkey')
      or auth_method ~ '^idp:[a-z0-9-]{1,32}$')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update sessions set auth_method = 'password' where auth_method = 'passkey'`.execute(db);
  await sql`alter table sessions drop constraint sessions_auth_method_check`.execute(db);
  await sql`alter table sessions add constraint sessions_auth_method_check check
    (auth_method in ('password', 'email_link', 'email_code', 'impersonation')
      or auth_method ~ '^idp:[a-z0-9-]{1,32}$')`.execute(db);
  await db.schema.dropTable('passkeys').execute();
}
