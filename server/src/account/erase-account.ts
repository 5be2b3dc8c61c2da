import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { AuditActor, AuditSink } from '../pipeline/audit-sink';
import { deletionBlocker } from './deletion-blockers';
import { endAllAccess, type EndedAccess } from './end-all-access';

/** The unusable password hash of an erased account: no argon2 string, so nothing verifies. */
export const ERASED_PASSWORD_HASH = '!erased';

export type ErasureResult =
  | { readonly erased: true; readonly ended: EndedAccess; readonly orgIds: readonly string[] }
  | { readonly erased: false; readonly why: string };

/**
 * Erases an account's personal data in one transaction (the user row locked first, so two
 * sweeps, or a sweep and an admin, erase once):
 *
 * - credentials end: sessions deleted, API keys revoked (their rows kept with the name
 *   scrubbed, so the revocation stays on record for the token checks), access tokens dead;
 * - second factors, linked provider identities, one-time tokens (and org invitations mailed to
 *   the address), exports,
 *   stored idempotent responses and mail to the address (sent or not) are deleted; the
 *   memberships end;
 * - the user row stays as a tombstone, so every reference (audit rows, projects' owner,
 *   webhook endpoints' creator) still resolves to one opaque id that names nobody: the address
 *   becomes `erased-<id>@erased.invalid`, the name and the hash go, the account is locked
 *   (`lock_kind = 'erased'`).
 *
 * The audit log is append-only and hash-chained, and it is not rewritten: its rows never held
 * an address or a name (features record ids only; redact-details.ts removes secrets), so the
 * chain verifies as before and the erased actor is the opaque id. Refused (nothing changes)
 * while the account is the only owner of an org or the last administrator.
 */
export async function eraseAccount(
  trx: Transaction<Database>,
  audit: AuditSink,
  userId: string,
  by: { readonly actor: AuditActor; readonly cause: string; readonly ip?: string },
): Promise<ErasureResult> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'email', 'role', 'erased_at'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user || user.erased_at !== null) return { erased: false, why: 'no such account' };
  const blocked = await deletionBlocker(trx, user);
  if (blocked) return { erased: false, why: blocked.message };

  const ended = await endAllAccess(trx, user.id);
  await trx
    .updateTable('api_keys')
    .set({ name: 'erased' })
    .where('user_id', '=', user.id)
    .execute();
  await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('mfa_totp').where('user_id', '=', user.id).execute();
  await trx
    .deleteFrom('one_time_tokens')
    .where((eb) =>
      eb.or([eb('user_id', '=', user.id), eb(sql<string>`data->>'email'`, '=', user.email)]),
    )
    .execute();
  await trx.deleteFrom('data_exports').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('user_identities').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('passkeys').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('idempotency_keys').where('principal', '=', `user:${user.id}`).execute();
  await trx
    .deleteFrom('mail_outbox')
    .where(sql<string>`lower(to_address)`, '=', user.email.toLowerCase())
    .execute();
  const memberships = await trx
    .deleteFrom('memberships')
    .where('user_id', '=', user.id)
    .returning('org_id')
    .execute();
  await trx
    .updateTable('users')
    .set({
      email: `erased-${user.id}@erased.invalid`,
      name: null,
      password_hash: ERASED_PASSWORD_HASH,
      role: 'user',
      email_verified_at: null,
      mfa_enabled_at: null,
      locked_at: sql`now()`,
      lock_kind: 'erased',
      lock_reason: null,
      lock_expires_at: null,
      locked_by: null,
      deletion_due_at: null,
      erased_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', user.id)
    .execute();
  await audit.append(trx, {
    action: 'account.erase',
    actor: by.actor,
    target: { type: 'user', id: user.id },
    outcome: 'success',
    ip: by.ip,
    details: {
      cause: by.cause,
      sessionsRevoked: ended.sessionIds.length,
      apiKeysRevoked: ended.apiKeyIds.length,
      membershipsEnded: memberships.length,
    },
  });
  return { erased: true, ended, orgIds: memberships.map((m) => m.org_id) };
}
