import { sql, type InsertResult, type Kysely, type Transaction, type UpdateResult } from 'kysely';
import type { Database } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** A key as its owner may see it (never its secret). */
export interface ApiKeyInfoRow {
  readonly id: string;
  readonly name: string;
  readonly scopes: string[];
  readonly org_id: string | null;
  readonly expires_at: Date;
  readonly created_at: Date;
  readonly last_used_at: Date | null;
  readonly revoked_at: Date | null;
  readonly previous_expires_at: Date | null;
}

/** The secret hashes of a key: the current one and, during a rotation's grace, the previous. */
export interface ApiKeySecretsRow {
  readonly id: string;
  readonly secret_hash: Uint8Array;
  readonly previous_secret_hash: Uint8Array | null;
  readonly previous_expires_at: Date | null;
  readonly revoked_at: Date | null;
}

/** A key with its secrets and its owner, as authentication reads it. */
export interface ApiKeyWithOwnerRow extends ApiKeyInfoRow, ApiKeySecretsRow {
  readonly user_id: string;
  readonly email: string;
  readonly role: 'user' | 'admin';
  readonly locked_at: Date | null;
  readonly email_verified_at: Date | null;
}

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

/** A key's secret hashes, to check a presented secret against (exposed-key revocation). */
export function findKeySecrets(db: Db, id: string): Promise<ApiKeySecretsRow | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'secret_hash', 'previous_secret_hash', 'previous_expires_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Revokes a key whoever owns it (the system's act: an exposed secret). */
export function revokeKey(db: Db, id: string): Promise<UpdateResult[]> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .execute();
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
    /** The creating session's sign-in method; default `password`. */
    createdVia?: string;
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
      created_via: row.createdVia ?? 'password',
    })
    .execute();
}

/**
 * Whether this user's key was created from an MFA session, and whether the
 * owner has MFA on now (org two-factor rule).
 */
export function keyMfaOrigin(
  db: Db,
  userId: string,
  id: string,
): Promise<
  { created_with_mfa: boolean; created_via: string; mfa_enabled_at: Date | null } | undefined
> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.created_with_mfa', 'k.created_via', 'u.mfa_enabled_at'])
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

/** The user's keys that still work (not revoked, not expired), for the password-changed notice. */
export function listActiveUserKeys(
  db: Db,
  userId: string,
): Promise<{ id: string; name: string; expires_at: Date }[]> {
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

/**
 * A new secret; the old one keeps working until `graceUntil`. A secret
 * minted without MFA clears `created_with_mfa`.
 */
export async function rotateUserKey(
  db: Db,
  userId: string,
  id: string,
  secretHash: Buffer,
  graceUntil: Date,
  withMfa: boolean,
  /** The rotating session's sign-in method: the new secret carries it. */
  via: string,
): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set((eb) => ({
      previous_secret_hash: eb.ref('secret_hash'),
      previous_expires_at: graceUntil,
      secret_hash: secretHash,
      created_via: via,
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
