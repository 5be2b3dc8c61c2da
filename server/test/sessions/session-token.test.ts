import { describe, expect, it } from 'vitest';
import { mintSessionToken, parseSessionToken } from '../../src/sessions/session-token';

describe('session tokens', () => {
  it("mints id.secret (≥80-bit id, 256-bit secret), storing only the secret's SHA-256", () => {
    const t = mintSessionToken();
    const [id, secret] = t.token.split('.');
    expect(id).toBe(t.id);
    expect(id).toHaveLength(24); // 24 base32 chars = 120 bits
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    expect(t.secretHash).toHaveLength(32);
    expect(t.token).not.toContain(t.secretHash.toString('base64url'));
    expect(parseSessionToken(t.token)?.secretHash.equals(t.secretHash)).toBe(true);
  });

  it('rejects anything not shaped like a token', () => {
    const t = mintSessionToken().token;
    for (const bad of [
      '',
      'a.b',
      t.slice(0, -1),
      `${t}x`,
      t.toUpperCase(),
      t.replace('.', '_'),
      `${t.split('.')[0]}.`,
    ]) {
      expect(parseSessionToken(bad)).toBeUndefined();
    }
  });

  it('never mints the same token twice', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => mintSessionToken().id));
    expect(seen.size).toBe(1000);
  });
});
