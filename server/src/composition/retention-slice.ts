import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { sweepRetention } from '../db/retention-sweep';
import type { Slice } from './slice';

/**
 * Expired sessions and tokens, old sent mail and idempotent responses past
 * 24 hours: each instance sweeps them hourly (indexed, batched deletes), and
 * lifts the bans whose end has passed (db/retention-sweep.ts).
 */
export function retentionSlice(db: Kysely<Database>, log: Logger): Slice<undefined> {
  const sweep = setInterval(() => void sweepRetention(db, log), 60 * 60_000);
  sweep.unref();
  return { deps: undefined, close: () => clearInterval(sweep) };
}
