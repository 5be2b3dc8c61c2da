import type { Transaction } from 'kysely';
import type { Permission } from '@gatehouse/shared';
import type { Database } from '../db/database';
import { membershipsOf } from '../orgs/membership-queries';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { setTenantSettings } from '../pipeline/tenant-scope';

/**
 * No principal obtains a credential broader than itself: every scope of the
 * key being minted (created, or rotated to a new secret) is one the caller
 * holds now (SCOPE_EXCEEDS_GRANT otherwise), and a key bound to an org is
 * minted only by a current member of it (NOT_FOUND otherwise, as for any
 * non-member) and, when that org requires two-factor, only from an MFA
 * session (MFA_REQUIRED_BY_ORG). Runs inside the minting transaction.
 */
export async function assertWithinCallerGrant(
  trx: Transaction<Database>,
  principal: Principal,
  key: { readonly scopes: readonly string[]; readonly orgId: string | null },
  withMfa: boolean,
): Promise<void> {
  const beyond = key.scopes.filter((s) => !principal.permissions.has(s as Permission));
  if (beyond.length > 0)
    throw new AppError('SCOPE_EXCEEDS_GRANT', { message: `You do not hold: ${beyond.join(', ')}` });
  if (key.orgId !== null) {
    await setTenantSettings(trx, principal.userId, []);
    const org = (await membershipsOf(trx, principal.userId)).find((m) => m.org_id === key.orgId);
    if (!org) throw new AppError('NOT_FOUND', { message: 'No such organization' });
    if (org.require_mfa && !withMfa)
      throw new AppError('MFA_REQUIRED_BY_ORG', {
        message: 'This organization requires two-factor authentication',
      });
  }
}
