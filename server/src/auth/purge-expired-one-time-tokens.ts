import { type Kysely, sql } from 'kysely';
import { deleteInBatches } from '../db/delete-in-batches';
import type { Database } from '../db/database';

/**
 * Deletes password-reset and verification tokens a day past their expiry (a
 * late click within that day is still told "expired"); returns how many. Only
 * hashes are stored, but nothing is kept longer than it serves.
 */
export function purgeExpiredOneTimeTokens(db: Kysely<Database>, limit?: number): Promise<number> {
  return deleteInBatches(
    (n) =>
      db
        .deleteFrom('one_time_tokens')
        .where('token_hash', 'in', (eb) =>
          eb
            .selectFrom('one_time_tokens')
            .select('token_hash')
            .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
            .limit(n),
        )
        .executeTakeFirstOrThrow(),
    limit,
  );
}
