import type { Kysely } from 'kysely';

/**
 * Whether the session that created an API key had passed two-factor
 * authentication. An org that requires two-factor accepts a key (and the
 * JWTs minted from it) only when this is true and its owner still has MFA
 * on. Existing keys were created without the record: false, so in such orgs
 * they must be re-created from an MFA session. The keys are the OAuth
 * clients (client_id = key id), so this covers those too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('created_with_mfa', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('created_with_mfa').execute();
}
