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
  readonly created_at: Date;
}

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

export async function setLocked(db: Db, id: string, locked: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ locked_at: locked ? sql`coalesce(locked_at, now())` : null, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}
