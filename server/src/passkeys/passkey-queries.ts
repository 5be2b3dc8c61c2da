import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, PasskeysTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

export type PasskeyRow = Selectable<PasskeysTable>;

/** Every query of a user's passkeys takes the user: no bare by-id lookups. */
export function listPasskeys(db: Db, userId: string): Promise<PasskeyRow[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** The passkey an assertion names (a credential id belongs to exactly one account). */
export function findPasskeyByCredentialId(
  db: Db,
  credentialId: string,
): Promise<PasskeyRow | undefined> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
}

export function insertPasskey(
  db: Db,
  row: {
    userId: string;
    credentialId: string;
    publicKey: Uint8Array;
    counter: number;
    transports: readonly string[];
    deviceType: 'singleDevice' | 'multiDevice';
    backedUp: boolean;
    name: string;
  },
): Promise<PasskeyRow> {
  return db
    .insertInto('passkeys')
    .values({
      user_id: row.userId,
      credential_id: row.credentialId,
      public_key: Buffer.from(row.publicKey),
      counter: row.counter,
      transports: JSON.stringify(row.transports),
      device_type: row.deviceType,
      backed_up: row.backedUp,
      name: row.name,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function renamePasskey(
  db: Db,
  userId: string,
  id: string,
  name: string,
): Promise<PasskeyRow | undefined> {
  return db
    .updateTable('passkeys')
    .set({ name })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deletePasskey(db: Db, userId: string, id: string): Promise<boolean> {
  const gone = await db
    .deleteFrom('passkeys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return gone.numDeletedRows > 0n;
}

/**
 * Keeps `users.mfa_enabled_at` meaning "the account has a second factor": on while it holds
 * a passkey or an enabled TOTP (since the first of them), off once neither is left. Run in
 * the transaction that adds or deletes a passkey.
 */
export async function syncMfaEnabled(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      mfa_enabled_at: sql<Date | null>`case
        when exists (select 1 from passkeys where user_id = ${userId})
          or exists (select 1 from mfa_totp where user_id = ${userId} and enabled_at is not null)
        then coalesce(mfa_enabled_at, now()) else null end`,
    })
    .where('id', '=', userId)
    .execute();
}

/**
 * Records a verified use: the new counter and backup state. The counter moves only forward
 * (or stays 0 for an authenticator that keeps none), in the statement itself, so of two
 * concurrent uses of one signature counter value only one is accepted. False: refused.
 */
export async function recordPasskeyUse(
  db: Db,
  id: string,
  use: { counter: number; backedUp: boolean },
): Promise<boolean> {
  const row = await db
    .updateTable('passkeys')
    .set({ counter: use.counter, backed_up: use.backedUp, last_used_at: sql`now()` })
    .where('id', '=', id)
    .where('counter', use.counter === 0 ? '=' : '<', use.counter)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
