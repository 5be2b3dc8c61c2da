import type { Transaction } from 'kysely';
import { wouldLeaveNoAdmin } from '../admin/admin-policy';
import { lockAdmins } from '../admin/admin-user-queries';
import type { Database } from '../db/database';
import { AppError } from '../pipeline/app-error';
import { soleOwnedOrgs } from './account-queries';

/**
 * What stops an account from being deleted: being the only owner of an org (the org would
 * have nobody to run it), or the last active administrator. Read inside the deleting
 * transaction, the admin rows under their locks. Returns the refusal, or undefined.
 */
export async function deletionBlocker(
  trx: Transaction<Database>,
  user: { readonly id: string; readonly role: 'user' | 'admin' },
): Promise<AppError | undefined> {
  const orgs = await soleOwnedOrgs(trx, user.id);
  if (orgs.length > 0) {
    const names = orgs.map((o) => `"${o.name}" (${o.id})`).join(', ');
    return new AppError('LAST_OWNER', {
      message:
        `The account is the only owner of ${names}: make another member an owner, ` +
        'or delete the org, first',
    });
  }
  if (user.role === 'admin' && wouldLeaveNoAdmin(await lockAdmins(trx), user)) {
    return new AppError('LAST_ADMIN', {
      message: 'The last active administrator cannot be deleted',
    });
  }
  return undefined;
}
