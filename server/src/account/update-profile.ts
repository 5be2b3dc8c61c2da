import type { AccountProfile, UpdateProfileInput } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { findProfile, updateName } from './account-queries';
import { toAccountProfile } from './to-account-profile';

type Caller = Context & { principal: Principal };

export async function getProfile(ctx: Caller): Promise<AccountProfile> {
  const row = await findProfile(ctx.deps.db, ctx.principal.userId);
  if (!row) throw new AppError('UNAUTHENTICATED');
  return toAccountProfile(row);
}

/**
 * Changes what the profile allows (the input schema is the allow-list: a field it does not
 * name is refused, never stored). The audit row names the fields changed, not their values.
 */
export async function updateProfile(
  ctx: Caller,
  input: UpdateProfileInput,
): Promise<AccountProfile> {
  const { deps, principal } = ctx;
  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await updateName(trx, principal.userId, input.name);
    if (!updated) throw new AppError('UNAUTHENTICATED');
    await ctx.audit.record(trx, 'account.update_profile', {
      target: { type: 'user', id: principal.userId },
      details: { fields: Object.keys(input) },
    });
    return updated;
  });
  // Cached sessions and keys carry the caller's profile as read then.
  await deps.sessions.forgetUser(principal.userId);
  return toAccountProfile(row);
}
