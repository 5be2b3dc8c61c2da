import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../src/crypto/key-ring';
import { issueAccessToken } from '../../src/oauth/access-token';
import { createJwtAuthenticator } from '../../src/oauth/jwt-authenticator';
import { loadSigningKeys } from '../../src/oauth/signing-keys';
import { createTokenRevocations } from '../../src/oauth/token-revocations';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { DATABASE_KINDS } from '../../../test/support/test-env';

/** Counts every statement sent through the Kysely instance it is plugged into. */
function queryCounter(): KyselyPlugin & { count: number } {
  return {
    count: 0,
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      this.count++;
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  };
}

const settings = {
  issuer: 'https://gatehouse.test',
  audience: 'https://gatehouse.test/trpc',
  ttlSeconds: 900,
};
const ring = createKeyRing([{ id: 'k1', key: Buffer.alloc(32, 3) }]);
const request = (jwt: string) => ({
  headers: { authorization: `Bearer ${jwt}` },
  cookies: {},
  secure: false,
  ip: '127.0.0.1',
  requestId: 'r',
});

describe.each(DATABASE_KINDS)('JWT verification reads no database (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t?.destroy());

  it('verifies 200 tokens with no statement; an unknown kid reloads keys rarely', async () => {
    const counter = queryCounter();
    const db = t.handle.db.withPlugin(counter);
    const keys = await loadSigningKeys({ db, ring, publishRetiredMs: 960_000 });
    const revocations = createTokenRevocations({ db, windowMs: 960_000 });
    await revocations.refresh();
    const authenticate = createJwtAuthenticator({
      keys,
      settings,
      revocations,
      audit: { append: () => Promise.reject(new Error('audited')) },
      db,
    });
    const jwt = await issueAccessToken(keys, settings, {
      sub: '00000000-0000-4000-8000-000000000001',
      client_id: 'aaaaaaaaaaaaaaaa',
      scope: 'project:read',
    });

    const atStart = counter.count;
    for (let i = 0; i < 200; i++) {
      const outcome = await authenticate(request(jwt));
      expect(
        outcome && 'principal' in outcome ? [...outcome.principal.permissions] : outcome,
      ).toEqual(['project:read']);
    }
    expect(counter.count).toBe(atStart);

    // Unknown kids cannot make every request hit the database.
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const stranger = async (kid: string) =>
      new SignJWT({ sub: 'x', scope: 'project:read', client_id: 'c', jti: kid })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    await new Promise((r) => setTimeout(r, 5_100));
    const beforeUnknown = counter.count;
    for (let i = 0; i < 50; i++)
      expect(await authenticate(request(await stranger(`kid-${i}`)))).toEqual({
        error: 'JWT_INVALID',
      });
    // One reload (a few statements), not fifty.
    expect(counter.count - beforeUnknown).toBeGreaterThan(0);
    expect(counter.count - beforeUnknown).toBeLessThanOrEqual(3);
  });

  it('a revoked key stops its tokens from memory: here at once, elsewhere on refresh', async () => {
    const keys = await loadSigningKeys({ db: t.handle.db, ring, publishRetiredMs: 960_000 });
    const revocations = createTokenRevocations({ db: t.handle.db, windowMs: 960_000 });
    const audited: unknown[] = [];
    const authenticate = createJwtAuthenticator({
      keys,
      settings,
      revocations,
      audit: { append: async (_db, event) => void audited.push(event) },
      db: t.handle.db,
    });
    const jwt = await issueAccessToken(keys, settings, {
      sub: '00000000-0000-4000-8000-000000000002',
      client_id: 'bbbbbbbbbbbbbbbb',
      scope: 'project:read',
    });
    expect(await authenticate(request(jwt))).toHaveProperty('principal');
    revocations.keyRevoked('bbbbbbbbbbbbbbbb');
    expect(await authenticate(request(jwt))).toEqual({ error: 'JWT_INVALID' });
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'api_key.use',
        outcome: 'denied',
        actor: { type: 'api_key', id: 'bbbbbbbbbbbbbbbb' },
      }),
    ]);
    // A key revoked long ago (older than any token) is forgotten, so the list stays small.
    const old = createTokenRevocations({ db: t.handle.db, windowMs: 1 });
    old.keyRevoked('cccccccccccccccc');
    await new Promise((r) => setTimeout(r, 5));
    await old.refresh();
    expect(old.isRevoked({ clientId: 'cccccccccccccccc', userId: 'u', issuedAtSeconds: 0 })).toBe(
      false,
    );
  });
});
