import {
  createLocalJWKSet,
  decodeProtectedHeader,
  importPKCS8,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../server/src/crypto/key-ring';
import { ENCRYPTED_COLUMNS } from '../../server/src/crypto/encrypted-columns';
import { reencryptColumns } from '../../server/src/crypto/reencrypt-columns';
import { loadSigningKeys, rotateSigningKey } from '../../server/src/oauth/signing-keys';
import { runCli } from '../support/spawn-server';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

/**
 * `pnpm gatehouse jwt rotate` against a running server: the new key is
 * published once any instance uses it, the old one stays published while
 * its tokens live, and the sealed private keys survive `keys reencrypt`.
 */
describe.each(DATABASE_KINDS)('JWT signing key rotation (%s)', (kind) => {
  let cast: TwoOrgs;
  let client: { id: string; key: string };
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'rotation');
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'svc',
      scopes: ['project:read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      orgId: cast.orgA,
    });
    client = { id: created.apiKey.id, key: created.key };
  });

  const ring = () => createKeyRing(t.config.encryptionKeys);
  const keysEnv = (keys: readonly { id: string; key: Buffer }[]) =>
    keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
  const issue = async (): Promise<string> => {
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.id,
        client_secret: client.key,
      }).toString(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const list = (jwt: string) => {
    const input = encodeURIComponent(JSON.stringify({ orgId: cast.orgA }));
    return fetch(`${t.url}/trpc/projects.list?input=${input}`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
  };
  const jwks = async () =>
    (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

  it('rotates: old tokens work, the new key signs, the old one stays in the JWKS', async () => {
    const before = await issue();
    const oldKid = decodeProtectedHeader(before).kid;
    let newKid: string;
    if (t.database.url) {
      const cli = await runCli(['jwt', 'rotate'], {
        DATABASE_URL: t.database.url,
        GATEHOUSE_ENCRYPTION_KEYS: keysEnv(t.config.encryptionKeys),
      });
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      newKid = /new signing key (\S+)/.exec(cli.stdout)?.[1] ?? '';
    } else {
      // PGlite is one process: the CLI cannot open the server's database.
      newKid = await rotateSigningKey(t.database.handle.db, ring());
    }
    expect(newKid).not.toBe(oldKid);
    const rows = await t.database.handle.db
      .selectFrom('jwt_signing_keys')
      .select(['kid', 'retired_at'])
      .execute();
    expect(rows.find((r) => r.kid === oldKid)?.retired_at).not.toBeNull();
    expect(rows.find((r) => r.kid === newKid)?.retired_at).toBeNull();

    // Another instance that already picked the new key up signs with it; this
    // one learns the unknown kid from the database and accepts the token.
    const sealed = await t.database.handle.db
      .selectFrom('jwt_signing_keys')
      .select('private_key')
      .where('kid', '=', newKid)
      .executeTakeFirstOrThrow();
    const privateKey = await importPKCS8(
      ring().decrypt(sealed.private_key, `jwt:${newKid}`),
      'EdDSA',
    );
    const claims = (await jwtVerify(before, createLocalJWKSet(await jwks()))).payload;
    const byOther = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: newKid })
      .sign(privateKey);
    // (An unknown kid reloads the keys at most every 5 s, so this may take one wait; 30 s is a hang
    // guard.)
    await expect
      .poll(async () => (await list(byOther)).status, { timeout: 30_000, interval: 500 })
      .toBe(200);

    const published = await jwks();
    expect(published.keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    expect((await list(before)).status).toBe(200);
    const after = await issue();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    await jwtVerify(after, createLocalJWKSet(published), { algorithms: ['EdDSA'] });
    expect((await list(after)).status).toBe(200);
  });

  it('a retired key leaves the JWKS once its tokens have expired', async () => {
    const db = t.database.handle.db;
    await rotateSigningKey(db, ring());
    const windowMs = (t.config.jwt.ttlSeconds + 60) * 1000;
    await db
      .updateTable('jwt_signing_keys')
      .set({ retired_at: new Date(Date.now() - windowMs - 1000) })
      .where('retired_at', 'is not', null)
      .execute();
    const fresh = await loadSigningKeys({ db, ring: ring(), publishRetiredMs: windowMs });
    expect(fresh.jwks().keys).toHaveLength(1);
    expect(fresh.jwks().keys[0]?.kid).toBe(fresh.current().kid);
  });

  it('`keys reencrypt` moves the sealed private keys to a new key; they still sign', async () => {
    const old = t.config.encryptionKeys[0];
    if (!old) throw new Error('no encryption key');
    const fresh = { id: 'k2', key: Buffer.alloc(32, 77) };
    if (t.database.url) {
      const cli = await runCli(['keys', 'reencrypt'], {
        DATABASE_URL: t.database.url,
        GATEHOUSE_ENCRYPTION_KEYS: keysEnv([fresh, old]),
      });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain('jwt_signing_keys.private_key:');
    } else {
      await reencryptColumns(t.database.handle.db, createKeyRing([fresh, old]), ENCRYPTED_COLUMNS);
    }
    const rows = await t.database.handle.db
      .selectFrom('jwt_signing_keys')
      .select('private_key')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.private_key).toMatch(/^v1\.k2\./);
    // Only the new encryption key is needed now.
    const keys = await loadSigningKeys({
      db: t.database.handle.db,
      ring: createKeyRing([fresh]),
      publishRetiredMs: 960_000,
    });
    const { kid, key } = keys.current();
    const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'EdDSA', kid }).sign(key);
    await jwtVerify(jwt, createLocalJWKSet(keys.jwks()));
  });
});
