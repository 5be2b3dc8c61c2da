import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, UserIdentitiesTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

export type IdentityRow = Selectable<UserIdentitiesTable>;

export function findIdentity(
  db: Db,
  provider: string,
  subject: string,
): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('user_identities')
    .selectAll()
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export function listIdentities(db: Db, userId: string): Promise<IdentityRow[]> {
  return db
    .selectFrom('user_identities')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Links; undefined when the identity is already linked (to anyone). */
export function insertIdentity(
  db: Db,
  row: {
    userId: string;
    provider: string;
    subject: string;
    email: string | null;
    emailVerified: boolean;
  },
): Promise<IdentityRow | undefined> {
  return db
    .insertInto('user_identities')
    .values({
      user_id: row.userId,
      provider: row.provider,
      subject: row.subject,
      email: row.email,
      email_verified: row.emailVerified,
      last_used_at: sql`now()`,
    })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function touchIdentity(
  db: Db,
  id: string,
  seen: { email: string | null; emailVerified: boolean },
): Promise<void> {
  await db
    .updateTable('user_identities')
    .set({ email: seen.email, email_verified: seen.emailVerified, last_used_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Unlinks one of the user's identities; false when it is not theirs. */
export async function deleteIdentity(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('user_identities')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
