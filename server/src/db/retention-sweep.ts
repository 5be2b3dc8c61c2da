import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { liftEndedBans } from '../admin/lift-ended-ban';
import { purgeExpiredOneTimeTokens } from '../auth/purge-expired-one-time-tokens';
import { purgeExpiredIdempotencyKeys } from '../idempotency/purge-expired-idempotency-keys';
import { purgeSentMail } from '../mail/purge-sent-mail';
import { purgeExpiredSessions } from '../sessions/purge-expired-sessions';
import type { Database } from './database';

/** What the sweep deletes, and after how long (docs/operations.md lists the same). */
const PURGES: readonly {
  readonly table: string;
  readonly purge: (db: Kysely<Database>) => Promise<number>;
}[] = [
  { table: 'sessions', purge: purgeExpiredSessions },
  { table: 'one_time_tokens', purge: purgeExpiredOneTimeTokens },
  { table: 'mail_outbox', purge: purgeSentMail },
  { table: 'idempotency_keys', purge: purgeExpiredIdempotencyKeys },
  // Not a delete: bans whose end passed are lifted (audited, actor system), counted here.
  { table: 'expired_bans', purge: liftEndedBans },
];

/**
 * Deletes what no longer serves anyone: expired sessions, one-time tokens a
 * day past expiry, mail sent a week ago, idempotent responses past 24 hours;
 * and lifts bans whose end has passed (`expired_bans`).
 * Every instance runs it hourly; the deletes are indexed, batched and
 * idempotent, so instances sweeping at once only find less to do. A failing
 * purge is logged and the others still run. Returns rows deleted per table.
 */
export async function sweepRetention(
  db: Kysely<Database>,
  log: Logger,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const { table, purge } of PURGES) {
    try {
      deleted[table] = await purge(db);
    } catch (err) {
      log.warn({ err, table }, 'retention purge failed; retrying in an hour');
    }
  }
  if (Object.values(deleted).some((n) => n > 0)) log.info({ deleted }, 'retention sweep');
  return deleted;
}
