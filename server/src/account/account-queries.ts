import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, UsersTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

const PROFILE_COLUMNS = [
  'id',
  'email',
  'name',
  'email_verified_at',
  'deletion_due_at',
  'created_at',
] as const;

/** The columns the settings page shows. */
export type ProfileRow = Pick<Selectable<UsersTable>, (typeof PROFILE_COLUMNS)[number]>;

export function findProfile(db: Db, userId: string): Promise<ProfileRow | undefined> {
  return db
    .selectFrom('users')
    .select(PROFILE_COLUMNS)
    .where('id', '=', userId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
}

export function updateName(
  db: Db,
  userId: string,
  name: string | null,
): Promise<ProfileRow | undefined> {
  return db
    .updateTable('users')
    .set({ name, updated_at: sql`now()` })
    .where('id', '=', userId)
    .returning(PROFILE_COLUMNS)
    .executeTakeFirst();
}

/**
 * Moves the account to `newEmail` (now verified: the link came through it) if it still has
 * `oldEmail`; undefined when it does not (a stale link).
 */
export function moveEmail(
  db: Db,
  userId: string,
  oldEmail: string,
  newEmail: string,
): Promise<{ id: string } | undefined> {
  return db
    .updateTable('users')
    .set({ email: newEmail, email_verified_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', userId)
    .where('email', '=', oldEmail)
    .where('erased_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

export function emailTaken(db: Db, email: string): Promise<boolean> {
  return db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst()
    .then((r) => r !== undefined);
}

/** Locks the account for review (the owner said a change was not theirs). */
export async function lockForReview(db: Db, userId: string, note: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      locked_at: sql`coalesce(locked_at, now())`,
      lock_kind: 'review',
      lock_reason: note,
      lock_expires_at: null,
      locked_by: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', userId)
    .execute();
}

/** The orgs where the user is the only owner: deleting the account would orphan them. */
export function soleOwnedOrgs(db: Db, userId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name'])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'owner')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('memberships as other')
            .select('other.user_id')
            .whereRef('other.org_id', '=', 'm.org_id')
            .where('other.role', '=', 'owner')
            .whereRef('other.user_id', '!=', 'm.user_id'),
        ),
      ),
    )
    .orderBy('o.name')
    .execute();
}

export function scheduleDeletion(
  db: Db,
  userId: string,
  due: Date,
): Promise<{ deletion_due_at: Date | null } | undefined> {
  return db
    .updateTable('users')
    .set({ deletion_due_at: due, updated_at: sql`now()` })
    .where('id', '=', userId)
    .returning('deletion_due_at')
    .executeTakeFirst();
}

/** Clears a pending deletion; returns whether one was pending. */
export async function clearDeletion(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({ deletion_due_at: null, updated_at: sql`now()` })
    .where('id', '=', userId)
    .where('deletion_due_at', 'is not', null)
    .where('erased_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Accounts whose grace period is over, oldest first. */
export function dueForErasure(db: Db, limit: number): Promise<{ id: string }[]> {
  return db
    .selectFrom('users')
    .select('id')
    .where('deletion_due_at', '<=', sql<Date>`now()`)
    .where('erased_at', 'is', null)
    .orderBy('deletion_due_at')
    .limit(limit)
    .execute();
}
