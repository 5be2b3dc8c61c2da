import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface KeyRingKey {
  readonly id: string;
  readonly key: Buffer;
}

/** Thrown when a ciphertext cannot be opened: unknown key, tampering, wrong associated data. */
export class KeyRingError extends Error {
  constructor(readonly code: 'MALFORMED' | 'UNKNOWN_KEY' | 'AUTH_FAILED') {
    super(`ciphertext cannot be decrypted (${code})`);
    this.name = 'KeyRingError';
  }
}

/**
 * Secrets at rest: AES-256-GCM with a random 96-bit nonce per message, the
 * key id inside every ciphertext (`v1.<kid>.<base64url(nonce|ciphertext|tag)>`),
 * and caller-supplied associated data (e.g. `user:<id>:totp`) bound into the
 * tag so a ciphertext cannot be moved to another row. The newest key
 * encrypts; every listed key decrypts.
 */
export interface KeyRing {
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
  /** Whether a ciphertext is under an older key than the newest. */
  needsReencrypt(ciphertext: string): boolean;
  readonly currentKeyId: string;
}

const VERSION = 'v1';
const NONCE = 12;
const TAG = 16;

export function createKeyRing(keys: readonly KeyRingKey[]): KeyRing {
  const newest = keys[0];
  if (!newest) throw new Error('the key ring needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));

  const split = (ciphertext: string): { kid: string; body: Buffer } => {
    const parts = ciphertext.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2])
      throw new KeyRingError('MALFORMED');
    const body = Buffer.from(parts[2], 'base64url');
    if (body.length < NONCE + TAG) throw new KeyRingError('MALFORMED');
    return { kid: parts[1], body };
  };

  return {
    currentKeyId: newest.id,
    encrypt(plaintext, aad) {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', newest.key, nonce);
      cipher.setAAD(Buffer.from(`${VERSION}.${newest.id}.${aad}`, 'utf8'));
      const body = Buffer.concat([
        nonce,
        cipher.update(plaintext, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${VERSION}.${newest.id}.${body.toString('base64url')}`;
    },
    decrypt(ciphertext, aad) {
      const { kid, body } = split(ciphertext);
      const key = byId.get(kid);
      if (!key) throw new KeyRingError('UNKNOWN_KEY');
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE));
      decipher.setAAD(Buffer.from(`${VERSION}.${kid}.${aad}`, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG));
      try {
        return Buffer.concat([
          decipher.update(body.subarray(NONCE, body.length - TAG)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new KeyRingError('AUTH_FAILED');
      }
    },
    needsReencrypt(ciphertext) {
      return split(ciphertext).kid !== newest.id;
    },
  };
}
