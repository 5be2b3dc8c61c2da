import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** Whether any account holds the global admin role. */
export async function adminExists(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stores a new bootstrap token hash in the single row, replacing (voiding) the previous one. */
export async function replaceBootstrapToken(
  db: Db,
  tokenHash: Buffer,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('bootstrap_tokens')
    .values({ id: 1, token_hash: tokenHash, expires_at: expiresAt, used_at: null })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        token_hash: tokenHash,
        created_at: sql`now()`,
        expires_at: expiresAt,
        used_at: null,
      }),
    )
    .execute();
}

/** Once an admin exists no link is needed: the row (a hash) is removed. */
export async function deleteBootstrapToken(db: Db): Promise<void> {
  await db.deleteFrom('bootstrap_tokens').execute();
}

/**
 * Marks the token used if it is the current one, unused and unexpired: one
 * UPDATE whose row lock makes a concurrent second use see `used_at` set and
 * match nothing. True when this call won.
 */
export async function consumeBootstrapToken(db: Db, tokenHash: Buffer): Promise<boolean> {
  const row = await db
    .updateTable('bootstrap_tokens')
    .set({ used_at: sql`now()` })
    .where('id', '=', 1)
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
