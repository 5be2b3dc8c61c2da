import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { sha256 } from '../crypto/random-token';

/**
 * `gth_live_<id>_<secret><checksum>`: a recognisable prefix, an 80-bit
 * public id, a 256-bit secret and a CRC32 checksum (all lower-case base32),
 * so secret scanners can match keys without false positives, like GitHub's
 * `ghp_` tokens. Only the id and SHA-256(secret) are stored.
 */
export const API_KEY_PREFIX = 'gth_live_';
const SHAPE = /^gth_live_([a-z2-7]{16})_([a-z2-7]{52})([a-z2-7]{7})$/;

function checksum(body: string): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(crc32(body) >>> 0);
  return encodeBase32LowerCaseNoPadding(buf);
}

export interface MintedApiKey {
  readonly id: string;
  readonly key: string;
  readonly secretHash: Buffer;
}

/** The full key for an id and a secret (both base32), checksum appended. */
export function formatApiKey(id: string, secret: string): string {
  const body = `${API_KEY_PREFIX}${id}_${secret}`;
  return `${body}${checksum(body)}`;
}

export function mintApiKey(id?: string): MintedApiKey {
  const keyId = id ?? encodeBase32LowerCaseNoPadding(randomBytes(10));
  const secret = encodeBase32LowerCaseNoPadding(randomBytes(32));
  return { id: keyId, key: formatApiKey(keyId, secret), secretHash: sha256(secret) };
}

/**
 * The id and secret hash of a well-formed key with a valid checksum;
 * undefined otherwise (no database read needed to refuse).
 */
export function parseApiKey(key: string): { id: string; secretHash: Buffer } | undefined {
  const m = SHAPE.exec(key);
  if (!m) return undefined;
  const [, id, secret, sum] = m as unknown as [string, string, string, string];
  if (checksum(`${API_KEY_PREFIX}${id}_${secret}`) !== sum) return undefined;
  return { id, secretHash: sha256(secret) };
}

/** Whether a string looks like one of our keys at all (for routing between authenticators). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}
