import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, MfaTotpTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** A user's TOTP secret, pending (no `enabled_at`) or enabled. */
export type TotpRow = Pick<
  Selectable<MfaTotpTable>,
  'user_id' | 'secret' | 'enabled_at' | 'last_used_step'
>;

export function findTotp(db: Db, userId: string): Promise<TotpRow | undefined> {
  return db
    .selectFrom('mfa_totp')
    .select(['user_id', 'secret', 'enabled_at', 'last_used_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Stores a pending secret, replacing an earlier pending one; never an enabled one. Returns false if
 * MFA is already on.
 */
export async function savePendingTotp(db: Db, userId: string, secret: string): Promise<boolean> {
  const row = await db
    .insertInto('mfa_totp')
    .values({ user_id: userId, secret })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret, last_used_step: null })
        .where('mfa_totp.enabled_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Accepts a time step once: succeeds only if it is later than the last
 * accepted one (one UPDATE, so concurrent replays have a single winner).
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('mfa_totp')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function enableTotp(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('mfa_totp')
    .set({ enabled_at: sql`now()` })
    .where('user_id', '=', userId)
    .execute();
  await db
    .updateTable('users')
    .set({ mfa_enabled_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

/** Turns TOTP off; the account keeps MFA on while it holds a passkey (its other factor). */
export async function disableTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .updateTable('users')
    .set({ mfa_enabled_at: null, updated_at: sql`now()` })
    .where('id', '=', userId)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('passkeys').select('id').where('user_id', '=', userId))),
    )
    .execute();
}

/**
 * Account recovery: drops a pending enrolment, and an enabled second factor
 * that was enrolled before the email was verified (by whoever held the
 * account then, perhaps someone who registered the address first). Returns
 * whether an enabled factor was removed.
 */
export async function wipeMfaEnrolledUnverified(db: Db, userId: string): Promise<boolean> {
  await db
    .deleteFrom('mfa_totp')
    .where('user_id', '=', userId)
    .where('enabled_at', 'is', null)
    .execute();
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('mfa_enabled_at', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('email_verified_at', 'is', null),
        eb('mfa_enabled_at', '<', eb.ref('email_verified_at')),
      ]),
    )
    .executeTakeFirst();
  if (!user) return false;
  // Passkeys added before the address was (re)verified go too, before TOTP, so that MFA ends.
  await db
    .deleteFrom('passkeys')
    .where('user_id', '=', userId)
    .where(
      sql<boolean>`created_at < coalesce(
        (select email_verified_at from users where id = ${userId}), 'infinity'::timestamptz)`,
    )
    .execute();
  await disableTotp(db, userId);
  return true;
}

export async function replaceRecoveryCodes(
  db: Db,
  userId: string,
  hashes: readonly Buffer[],
): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('mfa_recovery_codes')
    .values(hashes.map((code_hash) => ({ code_hash, user_id: userId })))
    .execute();
}

/** Uses a recovery code once (one UPDATE: concurrent uses have a single winner). */
export async function useRecoveryCode(db: Db, userId: string, hash: Buffer): Promise<boolean> {
  const r = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
