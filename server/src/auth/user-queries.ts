import { sql, type Kysely, type Selectable, type Transaction, type UpdateResult } from 'kysely';
import type { Database, UsersTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'password_hash',
  'email_verified_at',
  'locked_at',
  'mfa_enabled_at',
  'created_at',
] as const;

/** A user with the password hash, for sign-in and account changes. */
export type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(USER_COLUMNS).where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Inserts a user unless the email is taken; returns undefined when it was. */
export function insertUser(
  db: Db,
  row: { email: string; name: string | null; passwordHash: string; role?: 'user' | 'admin' },
): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values({
      email: row.email,
      name: row.name,
      password_hash: row.passwordHash,
      ...(row.role ? { role: row.role } : {}),
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export function updatePasswordHash(
  db: Db,
  userId: string,
  passwordHash: string,
): Promise<UpdateResult[]> {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

export function markEmailVerified(db: Db, userId: string): Promise<UpdateResult[]> {
  return db
    .updateTable('users')
    .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}
