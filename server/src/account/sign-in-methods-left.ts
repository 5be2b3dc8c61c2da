import type { Transaction } from 'kysely';
import { hasUsablePassword } from '../admin/no-password-hash';
import type { Database } from '../db/database';

/**
 * The ways an account can sign in by itself, locked for the caller's transaction (the user
 * row first: two concurrent removals, of a passkey and an identity say, serialise here and
 * cannot both pass): its own password, its passkeys, its linked identities. `without` names
 * the one about to be removed. The mailed link is not counted: it proves the mailbox, which an
 * org may not accept, and an account that relies on it alone has no credential of its own.
 */
export async function signInMethodsLeft(
  trx: Transaction<Database>,
  userId: string,
  without: { readonly passkeyId?: string; readonly identityId?: string },
): Promise<number> {
  const user = await trx
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user) return 0;
  const passkeys = await trx
    .selectFrom('passkeys')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  const identities = await trx
    .selectFrom('user_identities')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  return (
    (hasUsablePassword(user.password_hash) ? 1 : 0) +
    passkeys.filter((p) => p.id !== without.passkeyId).length +
    identities.filter((i) => i.id !== without.identityId).length
  );
}
