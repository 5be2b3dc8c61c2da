import type { PasskeyInfo, RenamePasskeyInput } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { PasskeyCaller } from './passkey-caller';
import { renamePasskey } from './passkey-queries';
import { toPasskeyInfo } from './to-passkey-info';

/** Renames one of the caller's passkeys (`account.passkeys.rename`); another's is NOT_FOUND. */
export async function renameMyPasskey(
  ctx: PasskeyCaller,
  input: RenamePasskeyInput,
): Promise<PasskeyInfo> {
  const { deps, principal } = ctx;
  return deps.db.transaction().execute(async (trx) => {
    const row = await renamePasskey(trx, principal.userId, input.id, input.name);
    if (!row) throw new AppError('NOT_FOUND', { message: 'No such passkey' });
    await ctx.audit.record(trx, 'passkey.rename', { target: { type: 'passkey', id: row.id } });
    return toPasskeyInfo(row);
  });
}
