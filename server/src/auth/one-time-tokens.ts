import { sql, type Kysely, type Transaction, type UpdateResult } from 'kysely';
import type { Database } from '../db/database';
import { generateToken, sha256 } from '../crypto/random-token';

type Db = Kysely<Database> | Transaction<Database>;

export type TokenPurpose =
  | 'password_reset'
  | 'email_verification'
  | 'org_invitation'
  | 'mfa_challenge'
  | 'account_invite'
  | 'email_change'
  | 'email_change_revert'
  | 'email_sign_in'
  | 'oauth_state'
  | 'identity_link'
  | 'passkey_registration'
  | 'passkey_authentication';

/** Mints a 256-bit single-use token; only its SHA-256 is stored. Returns the token to send. */
export async function createOneTimeToken(
  db: Db,
  purpose: TokenPurpose,
  userId: string | null,
  ttlMs: number,
  data: Record<string, unknown> = {},
): Promise<string> {
  const token = generateToken(32);
  await db
    .insertInto('one_time_tokens')
    .values({
      token_hash: sha256(token),
      purpose,
      user_id: userId,
      data: JSON.stringify(data),
      expires_at: new Date(Date.now() + ttlMs),
    })
    .execute();
  return token;
}

export type ConsumeResult =
  | { readonly ok: true; readonly userId: string | null; readonly data: Record<string, unknown> }
  | { readonly ok: false; readonly reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' };

/**
 * Consumes a token atomically: one UPDATE that only matches an unused,
 * unexpired row, so of two concurrent uses exactly one wins.
 */
export async function consumeOneTimeToken(
  db: Db,
  purpose: TokenPurpose,
  token: string,
): Promise<ConsumeResult> {
  const hash = sha256(token);
  const row = await db
    .updateTable('one_time_tokens')
    .set({ consumed_at: sql`now()` })
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id', 'data'])
    .executeTakeFirst();
  if (row) return { ok: true, userId: row.user_id, data: row.data };
  const stale = await db
    .selectFrom('one_time_tokens')
    .select(['consumed_at', 'expires_at'])
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return {
    ok: false,
    reason: stale && stale.consumed_at === null ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID',
  };
}

/**
 * Whether a token is live (unused, unexpired) without using it up: lets a
 * caller refuse a bad token before costly work (argon2), then consume it.
 */
export async function peekOneTimeToken(
  db: Db,
  purpose: TokenPurpose,
  token: string,
): Promise<ConsumeResult> {
  const row = await db
    .selectFrom('one_time_tokens')
    .select(['user_id', 'data', 'consumed_at', 'expires_at'])
    .select(sql<boolean>`expires_at > now()`.as('live'))
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (row && row.consumed_at === null && row.live)
    return { ok: true, userId: row.user_id, data: row.data };
  return { ok: false, reason: row && row.consumed_at === null ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
}

/** Voids a user's unused tokens of one purpose (e.g. older reset links after a reset). */
export function voidUserTokens(
  db: Db,
  userId: string,
  purpose: TokenPurpose,
): Promise<UpdateResult[]> {
  return db
    .updateTable('one_time_tokens')
    .set({ consumed_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .execute();
}
