import { type Kysely, sql } from 'kysely';
import { deleteInBatches } from '../db/delete-in-batches';
import type { Database } from '../db/database';

/** Deletes sessions past their absolute expiry (they can never be used again); returns how many. */
export function purgeExpiredSessions(db: Kysely<Database>, limit?: number): Promise<number> {
  return deleteInBatches(
    (n) =>
      db
        .deleteFrom('sessions')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('sessions')
            .select('id')
            .where('expires_at', '<', sql<Date>`now()`)
            .limit(n),
        )
        .executeTakeFirstOrThrow(),
    limit,
  );
}
