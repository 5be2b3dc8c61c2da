import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { sha256 } from '../crypto/random-token';

/** A freshly minted session token: give `token` to the client, store `id` and `secretHash`. */
export interface NewSessionToken {
  readonly id: string;
  readonly token: string;
  readonly secretHash: Buffer;
}

const TOKEN_SHAPE = /^([a-z2-7]{24})\.([A-Za-z0-9_-]{43})$/;

/**
 * Lucia's design: `<id>.<secret>`; the id (120 random bits) finds the row,
 * the secret (256 random bits) proves possession and is stored only as
 * SHA-256, so a database dump yields no usable token.
 */
export function mintSessionToken(): NewSessionToken {
  const id = encodeBase32LowerCaseNoPadding(randomBytes(15));
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: sha256(secret) };
}

/** Splits a presented token; undefined when it is not shaped like one of ours. */
export function parseSessionToken(token: string): { id: string; secretHash: Buffer } | undefined {
  const m = TOKEN_SHAPE.exec(token);
  if (!m) return undefined;
  return { id: m[1] as string, secretHash: sha256(m[2] as string) };
}
