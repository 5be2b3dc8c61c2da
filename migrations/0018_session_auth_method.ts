import { sql, type Kysely } from 'kysely';

/**
 * How each session's first factor was proven (issue 20): `password`, `email_link`,
 * `email_code`, `idp:<provider>`, or `impersonation`. Sessions from before were password
 * sign-ins. `auth_level` stays the level (`mfa` once a second factor was proven).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('auth_method', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
  await sql`alter table sessions add constraint sessions_auth_method_check check
    (auth_method in ('password', 'email_link', 'email_code', 'impersonation')
      or auth_method ~ '^idp:[a-z0-9-]{1,32}$')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('auth_method').execute();
}
