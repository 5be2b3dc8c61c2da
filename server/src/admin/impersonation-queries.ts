import type { Impersonation } from '@gatehouse/shared';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** A user as starting an impersonation judges them, read under a row lock. */
export interface ImpersonationPartyRow {
  readonly id: string;
  readonly email: string;
  readonly role: 'user' | 'admin';
  readonly locked_at: Date | null;
  readonly lock_kind: 'admin' | 'ban' | 'review' | 'erased' | null;
}

/**
 * One user row, locked for the transaction: the administrator first, then the target, the
 * order a lock or ban takes them in (every admin row, then the target), so the two never
 * deadlock, and a lock of the administrator either precedes the start (which then refuses) or
 * follows it (and ends the new impersonation).
 */
export function lockParty(
  trx: Transaction<Database>,
  id: string,
): Promise<ImpersonationPartyRow | undefined> {
  return trx
    .selectFrom('users')
    .select(['id', 'email', 'role', 'locked_at', 'lock_kind'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

const IMPERSONATION_COLUMNS = [
  'id',
  'user_id',
  'impersonator_id',
  'impersonation_reason',
  'impersonation_writes',
  'created_at',
  'expires_at',
] as const;

interface ImpersonationRow {
  readonly id: string;
  readonly user_id: string;
  readonly impersonator_id: string | null;
  readonly impersonation_reason: string | null;
  readonly impersonation_writes: boolean;
  readonly created_at: Date;
  readonly expires_at: Date;
}

/** An impersonation session row as administrators see it (never its secret's hash). */
export function toImpersonation(row: ImpersonationRow): Impersonation {
  return {
    sessionId: row.id,
    userId: row.user_id,
    adminId: row.impersonator_id ?? '',
    reason: row.impersonation_reason ?? '',
    allowWrites: row.impersonation_writes,
    startedAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

/** The impersonations still within their time limit, newest first (at most 100). */
export async function listActiveImpersonations(db: Db, now: Date): Promise<Impersonation[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(IMPERSONATION_COLUMNS)
    .where('impersonator_id', 'is not', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map(toImpersonation);
}

/** Deletes one impersonation session (never an ordinary one); what it was, if it was one. */
export async function deleteImpersonation(
  db: Db,
  sessionId: string,
): Promise<Impersonation | undefined> {
  const row = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('impersonator_id', 'is not', null)
    .returning(IMPERSONATION_COLUMNS)
    .executeTakeFirst();
  return row ? toImpersonation(row) : undefined;
}
