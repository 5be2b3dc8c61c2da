import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../src/crypto/key-ring';
import { issueAccessToken, verifyAccessToken } from '../src/oauth/access-token';
import { loadSigningKeys, rotateSigningKey } from '../src/oauth/signing-keys';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { DATABASE_KINDS } from '../../test/support/test-env';

const settings = {
  issuer: 'https://gatehouse.test',
  audience: 'https://gatehouse.test/trpc',
  ttlSeconds: 900,
};
const ring = createKeyRing([{ id: 'k1', key: Buffer.alloc(32, 5) }]);

describe.each(DATABASE_KINDS)('JWT signing keys (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t?.destroy());

  it('creates a key on first load, seals it; rotation keeps the old one published', async () => {
    const keys = await loadSigningKeys({ db: t.handle.db, ring, publishRetiredMs: 960_000 });
    const rows = await t.handle.db.selectFrom('jwt_signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.private_key).toMatch(/^v1\.k1\./);
    expect(JSON.stringify(rows[0]?.public_jwk)).not.toContain('"d"');
    const before = await issueAccessToken(keys, settings, {
      sub: 'u1',
      client_id: 'c1',
      scope: 'project:read',
    });

    const newKid = await rotateSigningKey(t.handle.db, ring);
    await keys.refresh();
    expect(keys.current().kid).toBe(newKid);
    const jwks = keys.jwks();
    expect(jwks.keys.map((k) => k.kid)).toContain(newKid);
    expect(jwks.keys).toHaveLength(2);
    // A token signed before the rotation still verifies until it expires.
    expect(await verifyAccessToken(keys, settings, before)).toMatchObject({
      userId: 'u1',
      clientId: 'c1',
    });
    const after = await issueAccessToken(keys, settings, {
      sub: 'u2',
      client_id: 'c2',
      scope: 'project:read',
    });
    const { protectedHeader } = await jwtVerify(after, createLocalJWKSet(jwks));
    expect(protectedHeader.kid).toBe(newKid);
  });
});
