import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database';

/** What a sign-in token's row carries besides the user: the browser and the code. */
export interface EmailSignInData {
  /** SHA-256 (hex) of the browser's binding cookie. */
  readonly browser: string;
  /** SHA-256 (hex) of `<browser>:<code>`: useless without the cookie, which is not stored. */
  readonly code: string;
  readonly attemptsLeft: number;
}

/** The user's newest live sign-in token for this browser, locked for the transaction. */
export function liveTokenForBrowser(
  trx: Transaction<Database>,
  userId: string,
  browser: string,
): Promise<{ token_hash: Uint8Array; data: Record<string, unknown> } | undefined> {
  return trx
    .selectFrom('one_time_tokens')
    .select(['token_hash', 'data'])
    .where('user_id', '=', userId)
    .where('purpose', '=', 'email_sign_in')
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where(sql<string>`data->>'browser'`, '=', browser)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Spends one code attempt; the last one voids the token. */
export async function spendAttempt(
  trx: Transaction<Database>,
  tokenHash: Uint8Array,
  attemptsLeft: number,
): Promise<void> {
  const left = Math.max(0, attemptsLeft - 1);
  await trx
    .updateTable('one_time_tokens')
    .set({
      data: sql`jsonb_set(data, '{attemptsLeft}', to_jsonb(${left}::int))`,
      ...(left === 0 ? { consumed_at: sql`now()` } : {}),
    })
    .where('token_hash', '=', tokenHash)
    .execute();
}

/** Uses the token up; false when another request used it first. */
export async function consumeByHash(
  trx: Transaction<Database>,
  tokenHash: Uint8Array,
): Promise<boolean> {
  const row = await trx
    .updateTable('one_time_tokens')
    .set({ consumed_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}
