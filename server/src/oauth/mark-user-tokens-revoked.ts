import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';

/**
 * Moves the user's access-token watermark to now: every JWT of theirs issued
 * until this moment is dead, and stays dead after an unlock. Call it inside
 * the transaction that ends the access (lock, demotion), then tell this
 * instance and the others with `TokenRevocations.userTokensRevoked`.
 */
export async function markUserTokensRevoked(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ tokens_revoked_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}
