import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database';
import { IDEMPOTENCY_TTL } from './with-idempotency';

/** Deletes stored responses past their 24 hours (indexed by created_at); returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', sql<Date>`now() - ${IDEMPOTENCY_TTL}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
