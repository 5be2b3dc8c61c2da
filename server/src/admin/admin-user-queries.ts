import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';
import { containsPattern } from '../db/like-pattern';

type Db = Kysely<Database> | Transaction<Database>;

/** A user row as administrators see it (never a hash or a secret). */
export interface AdminUserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: 'user' | 'admin';
  readonly email_verified_at: Date | null;
  readonly mfa_enabled_at: Date | null;
  readonly locked_at: Date | null;
  readonly lock_kind: LockKind | null;
  readonly lock_reason: string | null;
  readonly lock_expires_at: Date | null;
  readonly locked_by: string | null;
  readonly created_at: Date;
}

/** Why `locked_at` is set (migration 0015). */
export type LockKind = 'admin' | 'ban' | 'review' | 'erased';

/** The lock `setLocked` writes: an administrator's lock, or a ban with its reason and end. */
export type LockToWrite =
  | { readonly kind: 'admin'; readonly by: string }
  | {
      readonly kind: 'ban';
      readonly by: string;
      readonly reason: string;
      readonly expiresAt: Date | null;
    };

/** An admin row, as the last-admin rule reads it. */
export interface AdminLockRow {
  readonly id: string;
  readonly locked_at: Date | null;
}

const COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'email_verified_at',
  'mfa_enabled_at',
  'locked_at',
  'lock_kind',
  'lock_reason',
  'lock_expires_at',
  'locked_by',
  'created_at',
] as const;

/** One page of users ordered by email (unique), after `afterEmail`; keyset, no OFFSET, no COUNT. */
export function listUsers(
  db: Db,
  options: { emailContains: string | undefined; afterEmail: string | undefined; limit: number },
): Promise<AdminUserRow[]> {
  let q = db
    .selectFrom('users')
    .select(COLUMNS)
    .orderBy('email')
    .limit(options.limit + 1);
  if (options.emailContains !== undefined)
    q = q.where('email', 'like', containsPattern(options.emailContains.toLowerCase()));
  if (options.afterEmail !== undefined) q = q.where('email', '>', options.afterEmail);
  return q.execute();
}

export function getUser(db: Db, id: string): Promise<AdminUserRow | undefined> {
  return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Locks every admin row for the transaction: concurrent demotions serialise on it. */
export function lockAdmins(trx: Transaction<Database>): Promise<AdminLockRow[]> {
  return trx
    .selectFrom('users')
    .select(['id', 'locked_at'])
    .where('role', '=', 'admin')
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function setRole(db: Db, id: string, role: 'user' | 'admin'): Promise<void> {
  await db
    .updateTable('users')
    .set({ role, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/**
 * Locks the account with `lock` (replacing an earlier lock's kind, reason and end; `locked_at`
 * keeps the first lock's time, the access-token watermark is moved separately).
 */
export async function setLocked(db: Db, id: string, lock: LockToWrite): Promise<void> {
  await db
    .updateTable('users')
    .set({
      locked_at: sql`coalesce(locked_at, now())`,
      lock_kind: lock.kind,
      lock_reason: lock.kind === 'ban' ? lock.reason : null,
      lock_expires_at: lock.kind === 'ban' ? lock.expiresAt : null,
      locked_by: lock.by,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Clears every lock column: the account may sign in again. */
export async function clearLock(db: Db, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      locked_at: null,
      lock_kind: null,
      lock_reason: null,
      lock_expires_at: null,
      locked_by: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Lifts this user's ban if it has ended (judged by the database clock), in one UPDATE: of two
 * sign-ins at once only one lifts it. Returns whether this call did.
 */
export async function clearEndedBan(db: Db, id: string): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({
      locked_at: null,
      lock_kind: null,
      lock_reason: null,
      lock_expires_at: null,
      locked_by: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('lock_kind', '=', 'ban')
    .where('lock_expires_at', '<=', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Up to `limit` users whose ban has ended, oldest end first. */
export async function listEndedBans(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('lock_kind', '=', 'ban')
    .where('lock_expires_at', '<=', sql<Date>`now()`)
    .orderBy('lock_expires_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
