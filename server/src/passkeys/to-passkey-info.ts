import type { PasskeyInfo } from '@gatehouse/shared';
import type { PasskeyRow } from './passkey-queries';

/** A passkey row as the settings page sees it: never the public key or the credential id. */
export function toPasskeyInfo(row: PasskeyRow): PasskeyInfo {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.device_type,
    backedUp: row.backed_up,
    transports: row.transports,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  };
}
