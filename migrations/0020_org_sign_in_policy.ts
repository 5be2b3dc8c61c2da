import { type Kysely } from 'kysely';

/**
 * An org's sign-in policy beyond "require MFA" (issue 20, SSO-lite): `require_provider` (a
 * provider id from IDENTITY_PROVIDERS: members' sessions must have signed in through it) and
 * `member_email_domain` (members' addresses must be in it). A key acts for an org with a
 * provider rule only if the session that created it signed in through that provider:
 * `api_keys.created_via` records the creating session's method.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orgs')
    .addColumn('require_provider', 'text')
    .addColumn('member_email_domain', 'text')
    .execute();
  await db.schema
    .alterTable('api_keys')
    .addColumn('created_via', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('created_via').execute();
  await db.schema
    .alterTable('orgs')
    .dropColumn('require_provider')
    .dropColumn('member_email_domain')
    .execute();
}
