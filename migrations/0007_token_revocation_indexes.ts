import { type Kysely, sql } from 'kysely';

/**
 * Each server reloads, every few seconds, the API keys revoked and the users
 * locked within the last access-token lifetime (oauth/token-revocations.ts).
 * Partial indexes keep that off a full scan: almost every row has NULL there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('api_keys_revoked_idx')
    .on('api_keys')
    .column('revoked_at')
    .where(sql.ref('revoked_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('users_locked_idx')
    .on('users')
    .column('locked_at')
    .where(sql.ref('locked_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_locked_idx').execute();
  await db.schema.dropIndex('api_keys_revoked_idx').execute();
}
