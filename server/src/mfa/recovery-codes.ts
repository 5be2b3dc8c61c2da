import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { sha256 } from '../crypto/random-token';

export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten recovery codes of 75 random bits each (`xxxxx-xxxxx-xxxxx`). They are
 * stored as SHA-256: with 75 bits of entropy a fast hash is not brute-forceable,
 * and lookups stay one indexed query.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = encodeBase32LowerCaseNoPadding(randomBytes(10)).slice(0, 15);
    return `${raw.slice(0, 5)}-${raw.slice(5, 10)}-${raw.slice(10, 15)}`;
  });
}

export function hashRecoveryCode(code: string): Buffer {
  return sha256(code.trim().toLowerCase());
}
