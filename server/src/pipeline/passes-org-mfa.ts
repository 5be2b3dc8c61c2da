import type { Transaction } from 'kysely';
import { keyMfaOrigin } from '../api-keys/api-key-queries';
import type { Database } from '../db/database';
import type { Principal } from './principal';

/**
 * Whether the caller meets an org's two-factor rule: a session that signed in
 * (or stepped up) with a second factor; a key, or a JWT minted from one, that
 * was created from such a session and whose owner still has MFA on.
 */
export async function passesOrgMfa(
  trx: Transaction<Database>,
  principal: Principal,
): Promise<boolean> {
  if (principal.kind === 'session') return principal.authLevel === 'mfa';
  if (principal.apiKeyId === undefined) return false;
  const key = await keyMfaOrigin(trx, principal.userId, principal.apiKeyId);
  return key !== undefined && key.created_with_mfa && key.mfa_enabled_at !== null;
}
