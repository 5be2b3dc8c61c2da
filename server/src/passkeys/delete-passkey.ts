import type { Ok, PasskeyRef } from '@gatehouse/shared';
import { signInMethodsLeft } from '../account/sign-in-methods-left';
import { AppError } from '../pipeline/app-error';
import type { PasskeyCaller } from './passkey-caller';
import { deletePasskey, listPasskeys, syncMfaEnabled } from './passkey-queries';

/**
 * Deletes one of the caller's passkeys (`account.passkeys.delete`, step-up). Refused when it
 * is the last way to sign in: no password of the account's own, no other passkey and no
 * linked identity (LAST_SIGN_IN_METHOD). The user row is locked first, so two concurrent
 * deletes (or a delete and an unlink) cannot both pass the check. The last passkey of an
 * account without TOTP turns its MFA off.
 */
export async function deleteMyPasskey(ctx: PasskeyCaller, input: PasskeyRef): Promise<Ok> {
  const { deps, principal } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    const left = await signInMethodsLeft(trx, principal.userId, { passkeyId: input.id });
    const passkeys = await listPasskeys(trx, principal.userId);
    if (!passkeys.some((p) => p.id === input.id))
      throw new AppError('NOT_FOUND', { message: 'No such passkey' });
    if (left === 0)
      throw new AppError('LAST_SIGN_IN_METHOD', {
        message: 'This is your only way to sign in: set a password or add another first',
      });
    await deletePasskey(trx, principal.userId, input.id);
    await syncMfaEnabled(trx, principal.userId);
    await ctx.audit.record(trx, 'passkey.delete', { target: { type: 'passkey', id: input.id } });
  });
  await deps.sessions.forgetUser(principal.userId);
  return { ok: true };
}
