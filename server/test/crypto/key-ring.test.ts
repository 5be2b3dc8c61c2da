import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyRing, KeyRingError } from '../../src/crypto/key-ring';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('key ring (AES-256-GCM)', () => {
  it('round-trips under the newest key, key id in the ciphertext, fresh nonce each time', () => {
    const ring = createKeyRing([k2, k1]);
    const a = ring.encrypt('secret value', 'user:1:totp');
    const b = ring.encrypt('secret value', 'user:1:totp');
    expect(a).toMatch(/^v1\.k2\./);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(ring.decrypt(a, 'user:1:totp')).toBe('secret value');
    expect(ring.needsReencrypt(a)).toBe(false);
  });

  it('decrypts with an older listed key and flags it for re-encryption', () => {
    const old = createKeyRing([k1]).encrypt('legacy', 'aad');
    const ring = createKeyRing([k2, k1]);
    expect(ring.decrypt(old, 'aad')).toBe('legacy');
    expect(ring.needsReencrypt(old)).toBe(true);
  });

  it('refuses other associated data, tampering, unknown keys and garbage', () => {
    const ring = createKeyRing([k1]);
    const c = ring.encrypt('bound', 'user:1:totp');
    expect(() => ring.decrypt(c, 'user:2:totp')).toThrow(KeyRingError);
    const body = Buffer.from(c.split('.')[2] ?? '', 'base64url');
    body[14] = (body[14] ?? 0) ^ 1;
    expect(() => ring.decrypt(`v1.k1.${body.toString('base64url')}`, 'user:1:totp')).toThrow(
      /AUTH_FAILED/,
    );
    expect(() => createKeyRing([k2]).decrypt(c, 'user:1:totp')).toThrow(/UNKNOWN_KEY/);
    // The key id is authenticated too: relabelling a ciphertext fails.
    expect(() =>
      createKeyRing([k1, { id: 'k9', key: k1.key }]).decrypt(
        c.replace('v1.k1.', 'v1.k9.'),
        'user:1:totp',
      ),
    ).toThrow(/AUTH_FAILED/);
    expect(() => ring.decrypt('not a ciphertext', 'x')).toThrow(/MALFORMED/);
  });
});
