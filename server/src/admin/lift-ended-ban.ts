import type { Kysely } from 'kysely';
import { appendAuditEvent } from '../audit/audit-writer';
import type { RequestAudit } from '../audit/request-audit';
import type { Database } from '../db/database';
import { clearEndedBan, listEndedBans } from './admin-user-queries';

/** A ban that ran out is lifted by the system, not by an administrator. */
const SYSTEM = { type: 'system', id: null } as const;

/**
 * Lifts the user's ban if its end has passed (by the database clock), with one
 * `admin.user.unban` row (actor `system`, cause `expired`) in the same
 * transaction; of concurrent callers (two sign-ins, two instances sweeping)
 * exactly one lifts it and records it. Pass the request's recorder to give the
 * row its address and request id. Returns whether this call lifted it.
 */
export function liftEndedBan(
  db: Kysely<Database>,
  userId: string,
  options?: { readonly audit?: RequestAudit },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await clearEndedBan(trx, userId))) return false;
    const event = {
      actor: SYSTEM,
      target: { type: 'user', id: userId },
      details: { cause: 'expired' },
    } as const;
    if (options?.audit) await options.audit.record(trx, 'admin.user.unban', event);
    else await appendAuditEvent(trx, { action: 'admin.user.unban', outcome: 'success', ...event });
    return true;
  });
}

/**
 * The retention sweep's job: lifts up to `limit` bans whose end has passed
 * (their owners had not signed in since). Returns how many it lifted.
 */
export async function liftEndedBans(db: Kysely<Database>, limit = 1000): Promise<number> {
  let lifted = 0;
  for (const id of await listEndedBans(db, limit)) if (await liftEndedBan(db, id)) lifted++;
  return lifted;
}
