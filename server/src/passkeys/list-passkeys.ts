import type { PasskeyList } from '@gatehouse/shared';
import type { PasskeyCaller } from './passkey-caller';
import { listPasskeys } from './passkey-queries';
import { toPasskeyInfo } from './to-passkey-info';

/** The caller's passkeys, oldest first (`account.passkeys.list`). */
export async function listMyPasskeys(ctx: PasskeyCaller): Promise<PasskeyList> {
  const rows = await listPasskeys(ctx.deps.db, ctx.principal.userId);
  return { passkeys: rows.map(toPasskeyInfo) };
}
