import {
  sql,
  type InsertResult,
  type Kysely,
  type Selectable,
  type Transaction,
  type UpdateResult,
} from 'kysely';
import type { ApiKeysTable, Database, UsersTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

const INFO = [
  'k.id',
  'k.name',
  'k.scopes',
  'k.org_id',
  'k.expires_at',
  'k.created_at',
  'k.last_used_at',
  'k.revoked_at',
  'k.previous_expires_at',
] as const;

type InfoColumn = (typeof INFO)[number] extends `k.${infer C}` ? C : never;

/** What a key's owner may see of it (no secret hash). */
export type ApiKeyInfoRow = Pick<Selectable<ApiKeysTable>, InfoColumn>;

/** A key with its secret hashes and its owner, for authentication. */
export type ApiKeyWithOwnerRow = ApiKeyInfoRow &
  Pick<Selectable<ApiKeysTable>, 'user_id' | 'secret_hash' | 'previous_secret_hash'> &
  Pick<Selectable<UsersTable>, 'email' | 'role' | 'locked_at' | 'email_verified_at'>;

/** How a key was created, and its owner's MFA now (the org two-factor rule). */
export type KeyMfaOriginRow = Pick<Selectable<ApiKeysTable>, 'created_with_mfa'> &
  Pick<Selectable<UsersTable>, 'mfa_enabled_at'>;

/** The key with its owner, for authentication: one primary-key join. */
export function findKeyWithOwner(db: Db, id: string): Promise<ApiKeyWithOwnerRow | undefined> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      ...INFO,
      'k.user_id',
      'k.secret_hash',
      'k.previous_secret_hash',
      'u.email',
      'u.role',
      'u.locked_at',
      'u.email_verified_at',
    ])
    .where('k.id', '=', id)
    .executeTakeFirst();
}

export function listUserKeys(db: Db, userId: string): Promise<ApiKeyInfoRow[]> {
  return db
    .selectFrom('api_keys as k')
    .select(INFO)
    .where('k.user_id', '=', userId)
    .orderBy('k.created_at', 'desc')
    .orderBy('k.id')
    .limit(200)
    .execute();
}

export function findUserKey(
  db: Db,
  userId: string,
  id: string,
): Promise<ApiKeyInfoRow | undefined> {
  return db
    .selectFrom('api_keys as k')
    .select(INFO)
    .where('k.user_id', '=', userId)
    .where('k.id', '=', id)
    .executeTakeFirst();
}

export function insertKey(
  db: Db,
  row: {
    id: string;
    userId: string;
    orgId: string | null;
    name: string;
    scopes: readonly string[];
    secretHash: Buffer;
    expiresAt: Date;
    createdWithMfa: boolean;
  },
): Promise<InsertResult[]> {
  return db
    .insertInto('api_keys')
    .values({
      id: row.id,
      user_id: row.userId,
      org_id: row.orgId,
      name: row.name,
      scopes: JSON.stringify(row.scopes),
      secret_hash: row.secretHash,
      expires_at: row.expiresAt,
      created_with_mfa: row.createdWithMfa,
    })
    .execute();
}

/** Whether this user's key was created from an MFA session, and whether the owner has MFA on now (org two-factor rule). */
export function keyMfaOrigin(
  db: Db,
  userId: string,
  id: string,
): Promise<KeyMfaOriginRow | undefined> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.created_with_mfa', 'u.mfa_enabled_at'])
    .where('k.id', '=', id)
    .where('k.user_id', '=', userId)
    .executeTakeFirst();
}

/** Revokes every live key of a user (account recovery). Returns the ids revoked now. */
export async function revokeAllUserKeys(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The user's keys that still work (not revoked, not expired): listed in the password-changed notice. */
export function listActiveUserKeys(
  db: Db,
  userId: string,
): Promise<Pick<Selectable<ApiKeysTable>, 'id' | 'name' | 'expires_at'>[]> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at')
    .limit(50)
    .execute();
}

/** Revokes a key of this user (only theirs). Returns whether one was revoked now. */
export async function revokeUserKey(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A new secret; the old one keeps working until `graceUntil`. A secret minted without MFA clears `created_with_mfa`. */
export async function rotateUserKey(
  db: Db,
  userId: string,
  id: string,
  secretHash: Buffer,
  graceUntil: Date,
  withMfa: boolean,
): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set((eb) => ({
      previous_secret_hash: eb.ref('secret_hash'),
      previous_expires_at: graceUntil,
      secret_hash: secretHash,
      ...(withMfa ? {} : { created_with_mfa: false }),
    }))
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records use at most once a minute per key (the caller also throttles in memory). */
export function touchKey(db: Db, id: string): Promise<UpdateResult[]> {
  return db
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
      ]),
    )
    .execute();
}
