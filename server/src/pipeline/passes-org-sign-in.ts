import type { Transaction } from 'kysely';
import { keyMfaOrigin } from '../api-keys/api-key-queries';
import type { Database } from '../db/database';
import type { Principal } from './principal';

/** An org's sign-in rules beyond MFA (migration 0020). */
export interface OrgSignInRule {
  readonly require_provider: string | null;
  readonly member_email_domain: string | null;
}

/**
 * Whether the caller meets an org's sign-in rules, or which one it misses: the member's address
 * must be in `member_email_domain`; with `require_provider`, a session must have signed in
 * through that provider (`idp:<id>`; an impersonation never has), and a key, or a JWT minted
 * from one, must have been created (or last rotated) by such a session.
 */
export async function missedOrgSignInRule(
  trx: Transaction<Database>,
  principal: Principal,
  org: OrgSignInRule,
): Promise<'domain' | 'provider' | undefined> {
  const domain = org.member_email_domain;
  if (domain !== null && !principal.email.toLowerCase().endsWith(`@${domain}`)) return 'domain';
  const provider = org.require_provider;
  if (provider === null) return undefined;
  const wanted = `idp:${provider}`;
  if (principal.kind === 'session') return principal.authMethod === wanted ? undefined : 'provider';
  if (principal.apiKeyId === undefined) return 'provider';
  const key = await keyMfaOrigin(trx, principal.userId, principal.apiKeyId);
  return key?.created_via === wanted ? undefined : 'provider';
}
