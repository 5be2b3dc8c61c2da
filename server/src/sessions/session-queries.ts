import type { DeleteResult, Kysely, Transaction, UpdateResult } from 'kysely';
import type { Database } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** A session as its owner may list it (no secret). */
export interface SessionRow {
  readonly id: string;
  readonly created_at: Date;
  readonly last_used_at: Date;
  readonly expires_at: Date;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly auth_level: 'password' | 'mfa';
  readonly auth_method: string;
  readonly impersonator_id: string | null;
  readonly impersonation_reason: string | null;
  readonly impersonation_writes: boolean;
}

/** A session with its secret's hash and its user, as validation reads it. */
export interface SessionWithUserRow extends SessionRow {
  readonly secret_hash: Uint8Array;
  readonly user_id: string;
  readonly reauthenticated_at: Date;
  readonly email: string;
  readonly name: string | null;
  readonly role: 'user' | 'admin';
  readonly email_verified_at: Date | null;
  readonly locked_at: Date | null;
  readonly mfa_enabled_at: Date | null;
  readonly user_created_at: Date;
  /** The impersonating administrator's role and lock, when the session is an impersonation. */
  readonly impersonator_role: 'user' | 'admin' | null;
  readonly impersonator_locked_at: Date | null;
}

const SESSION_COLUMNS = [
  'id',
  'created_at',
  'last_used_at',
  'expires_at',
  'ip',
  'user_agent',
  'auth_level',
  'auth_method',
  'impersonator_id',
  'impersonation_reason',
  'impersonation_writes',
] as const;

/**
 * The session and its user in one indexed query (primary key joins); for an impersonation also
 * the administrator's current role and lock.
 */
export function findSessionWithUser(db: Db, id: string): Promise<SessionWithUserRow | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('users as imp', 'imp.id', 's.impersonator_id')
    .select([
      's.id',
      's.secret_hash',
      's.user_id',
      's.auth_level',
      's.auth_method',
      's.created_at',
      's.last_used_at',
      's.reauthenticated_at',
      's.expires_at',
      's.ip',
      's.user_agent',
      's.impersonator_id',
      's.impersonation_reason',
      's.impersonation_writes',
      'u.email',
      'u.name',
      'u.role',
      'u.email_verified_at',
      'u.locked_at',
      'u.mfa_enabled_at',
      'u.created_at as user_created_at',
      'imp.role as impersonator_role',
      'imp.locked_at as impersonator_locked_at',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

export function insertSession(
  db: Db,
  row: {
    id: string;
    secretHash: Buffer;
    userId: string;
    authLevel: 'password' | 'mfa';
    /** How the first factor was proven; default `password`. */
    authMethod?: string;
    now: Date;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
    /** An administrator's impersonation of `userId` (admin/impersonation-start.ts). */
    impersonation?: { adminId: string; reason: string; allowWrites: boolean };
  },
): Promise<SessionRow> {
  return db
    .insertInto('sessions')
    .values({
      id: row.id,
      secret_hash: row.secretHash,
      user_id: row.userId,
      auth_level: row.authLevel,
      auth_method: row.authMethod ?? 'password',
      last_used_at: row.now,
      reauthenticated_at: row.now,
      expires_at: row.expiresAt,
      ip: row.ip,
      user_agent: row.userAgent,
      ...(row.impersonation
        ? {
            impersonator_id: row.impersonation.adminId,
            impersonation_reason: row.impersonation.reason,
            impersonation_writes: row.impersonation.allowWrites,
          }
        : {}),
    })
    .returning(SESSION_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function touchSession(db: Db, id: string, now: Date): Promise<UpdateResult[]> {
  return db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', id).execute();
}

export function deleteSession(db: Db, id: string): Promise<DeleteResult> {
  return db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
}

/** Deletes a session only if it belongs to `userId` (a caller can revoke only their own). */
export function deleteUserSession(db: Db, userId: string, id: string): Promise<DeleteResult> {
  return db
    .deleteFrom('sessions')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Deletes every session of a user, optionally keeping one, and every impersonation session the
 * user holds as an administrator (whatever ends a user's access ends what they do as someone
 * else); returns the deleted ids.
 */
export async function deleteUserSessions(
  db: Db,
  userId: string,
  exceptId?: string,
): Promise<string[]> {
  let q = db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('impersonator_id', '=', userId)]));
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  const rows = await q.returning('id').execute();
  return rows.map((r) => r.id);
}

export function listUserSessions(db: Db, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .select(SESSION_COLUMNS)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
}

/** Records a fresh password or second-factor proof on a session (step-up). */
export function markSessionReauthenticated(
  db: Db,
  id: string,
  now: Date,
  authLevel: 'password' | 'mfa' | undefined,
): Promise<UpdateResult[]> {
  return db
    .updateTable('sessions')
    .set({
      reauthenticated_at: now,
      ...(authLevel === 'mfa' ? { auth_level: 'mfa' as const } : {}),
    })
    .where('id', '=', id)
    .execute();
}
