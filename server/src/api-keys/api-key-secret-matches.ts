import { constantTimeEqual } from '../crypto/random-token';
import type { ApiKeySecretsRow } from './api-key-queries';

/**
 * Whether a presented secret opens the key: its current secret, or the
 * previous one while a rotation's grace lasts. Both compared in constant
 * time. The one check authentication and exposed-key revocation share.
 */
export function apiKeySecretMatches(
  row: ApiKeySecretsRow,
  secretHash: Buffer,
  nowMs: number,
): boolean {
  if (constantTimeEqual(Buffer.from(row.secret_hash), secretHash)) return true;
  return (
    row.previous_secret_hash !== null &&
    row.previous_expires_at !== null &&
    new Date(row.previous_expires_at).getTime() > nowMs &&
    constantTimeEqual(Buffer.from(row.previous_secret_hash), secretHash)
  );
}
