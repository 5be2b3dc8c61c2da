import { randomBytes } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { KeyRing } from '../crypto/key-ring';

type PublicKey = Awaited<ReturnType<typeof importJWK>>;
type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

export interface SigningKeys {
  /** The newest active key, for signing. */
  current(): { kid: string; key: PrivateKey };
  /**
   * A published public key by id; refreshes from the database (at most every few seconds) for an
   * unknown id.
   */
  publicKey(kid: string): Promise<PublicKey | undefined>;
  /** The JWKS document: active keys and retired ones whose tokens may still be live. */
  jwks(): { keys: JWK[] };
  refresh(): Promise<void>;
}

const aad = (kid: string): string => `jwt:${kid}`;

/**
 * Creates a new Ed25519 signing key (private half sealed with the key ring) and retires the
 * previous one.
 */
export async function rotateSigningKey(db: Kysely<Database>, ring: KeyRing): Promise<string> {
  const kid = randomBytes(9).toString('base64url');
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', {
    crv: 'Ed25519',
    extractable: true,
  });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const sealed = ring.encrypt(await exportPKCS8(privateKey), aad(kid));
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('jwt_signing_keys')
      .set({ retired_at: sql`now()` })
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .insertInto('jwt_signing_keys')
      .values({ kid, public_jwk: JSON.stringify(jwk), private_key: sealed })
      .execute();
  });
  return kid;
}

/**
 * The JWT signing keys, held in memory so that verifying a token needs no
 * database read. A key retired by rotation stays published for `publishRetiredMs`
 * (longer than any token it signed can live).
 */
export async function loadSigningKeys(options: {
  db: Kysely<Database>;
  ring: KeyRing;
  publishRetiredMs: number;
}): Promise<SigningKeys> {
  const { db, ring } = options;
  let active: { kid: string; key: PrivateKey } | undefined;
  let published = new Map<string, { jwk: JWK; key: PublicKey }>();
  let lastRefresh = 0;

  const refresh = async (): Promise<void> => {
    lastRefresh = Date.now();
    let rows = await db
      .selectFrom('jwt_signing_keys')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('retired_at', 'is', null),
          eb('retired_at', '>', new Date(Date.now() - options.publishRetiredMs)),
        ]),
      )
      .orderBy('created_at', 'desc')
      .execute();
    if (!rows.some((r) => r.retired_at === null)) {
      await rotateSigningKey(db, ring);
      rows = await db
        .selectFrom('jwt_signing_keys')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('retired_at', 'is', null),
            eb('retired_at', '>', new Date(Date.now() - options.publishRetiredMs)),
          ]),
        )
        .orderBy('created_at', 'desc')
        .execute();
    }
    const next = new Map<string, { jwk: JWK; key: PublicKey }>();
    for (const r of rows) {
      const jwk = r.public_jwk as JWK;
      next.set(r.kid, { jwk, key: await importJWK(jwk, 'EdDSA') });
    }
    published = next;
    const newest = rows.find((r) => r.retired_at === null);
    if (newest)
      active = {
        kid: newest.kid,
        key: await importPKCS8(ring.decrypt(newest.private_key, aad(newest.kid)), 'EdDSA'),
      };
  };
  await refresh();

  return {
    current() {
      if (!active) throw new Error('no active JWT signing key');
      return active;
    },
    async publicKey(kid) {
      const known = published.get(kid);
      if (known) return known.key;
      if (Date.now() - lastRefresh < 5_000) return undefined;
      await refresh();
      return published.get(kid)?.key;
    },
    jwks: () => ({ keys: [...published.values()].map((p) => p.jwk) }),
    refresh,
  };
}
