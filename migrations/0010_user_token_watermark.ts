import { type Kysely } from 'kysely';

/**
 * users.tokens_revoked_at: access tokens (JWTs) of this user issued at or
 * before it are dead. Set by whatever ends a user's access (lock, demotion);
 * unlike locked_at it is never cleared, so a lock followed by an unlock
 * still kills the tokens issued before the lock. Instances reload it (with
 * the other revocations) for one token lifetime.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('tokens_revoked_at', 'timestamptz').execute();
  await db.schema
    .createIndex('users_tokens_revoked_at_idx')
    .on('users')
    .column('tokens_revoked_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_tokens_revoked_at_idx').execute();
  await db.schema.alterTable('users').dropColumn('tokens_revoked_at').execute();
}
