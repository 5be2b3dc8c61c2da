import { type Kysely, sql } from 'kysely';
import { deleteInBatches } from '../db/delete-in-batches';
import type { Database } from '../db/database';

/**
 * Deletes outbox rows sent more than 7 days ago (kept that long for support
 * questions: "did the reset mail go out?"); returns how many. Unsent rows
 * stay, however old: they are the outbox's work, or its record of a failure.
 */
export function purgeSentMail(db: Kysely<Database>, limit?: number): Promise<number> {
  return deleteInBatches(
    (n) =>
      db
        .deleteFrom('mail_outbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('mail_outbox')
            .select('id')
            .where('sent_at', '<', sql<Date>`now() - interval '7 days'`)
            .limit(n),
        )
        .executeTakeFirstOrThrow(),
    limit,
  );
}
