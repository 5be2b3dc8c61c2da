import type { ApiKeyInfo, Permission } from '@gatehouse/shared';
import type { ApiKeyInfoRow } from './api-key-queries';

/** A key as its owner sees it: never its secret; the rotation grace only while it lasts. */
export function toApiKeyInfo(row: ApiKeyInfoRow): ApiKeyInfo {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as Permission[],
    orgId: row.org_id,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    rotationGraceUntil:
      row.previous_expires_at && new Date(row.previous_expires_at).getTime() > Date.now()
        ? iso(row.previous_expires_at)
        : null,
  };
}
