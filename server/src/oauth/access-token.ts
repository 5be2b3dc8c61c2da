import { randomUUID } from 'node:crypto';
import type { Permission } from '@gatehouse/shared';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';

export interface AccessTokenClaims {
  /** Seconds the token lives: at most `ttlSeconds`, less when the key expires sooner. */
  readonly lifetimeSeconds?: number;
  readonly sub: string;
  readonly client_id: string;
  readonly scope: string;
  readonly org_id?: string;
}

export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** An RFC 9068 access token (`typ: at+jwt`), EdDSA over Ed25519. */
export async function issueAccessToken(
  keys: SigningKeys,
  settings: TokenSettings,
  claims: AccessTokenClaims,
): Promise<string> {
  const { kid, key } = keys.current();
  return new SignJWT({
    scope: claims.scope,
    client_id: claims.client_id,
    ...(claims.org_id ? { org_id: claims.org_id } : {}),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setSubject(claims.sub)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(
      `${Math.min(settings.ttlSeconds, claims.lifetimeSeconds ?? settings.ttlSeconds)}s`,
    )
    .setJti(randomUUID())
    .sign(key);
}

export interface VerifiedToken {
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<Permission>;
  readonly orgId: string | undefined;
  /** `iat`, in seconds. */
  readonly issuedAtSeconds: number;
}

/** Clock skew tolerated between instances, in seconds. */
const SKEW_SECONDS = 30;

/**
 * Verifies signature, `alg` (EdDSA only), `typ`, `kid`, `iss`, `aud`,
 * `exp`/`nbf` with 30 s of clock skew — from memory, no database read.
 * The lifetime is bounded as this server issues it: `iat` and `exp` are
 * required, `iat` may not lie in the future (beyond the skew) nor further
 * back than the TTL, and `exp - iat` may not exceed the TTL: a token signed
 * with our key but for ten years (a leaked key, a bug, an old build) is
 * refused, never honoured until its `exp`.
 * Undefined for anything that does not verify.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  settings: TokenSettings,
  token: string,
): Promise<VerifiedToken | undefined> {
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') return undefined;
    const key = await keys.publicKey(header.kid);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: 'at+jwt',
      clockTolerance: SKEW_SECONDS,
      maxTokenAge: settings.ttlSeconds,
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'scope', 'client_id'],
    });
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return undefined;
    if (payload.exp - payload.iat > settings.ttlSeconds + SKEW_SECONDS) return undefined;
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      userId: String(payload.sub),
      clientId: String(payload.client_id),
      scopes: new Set(scope.split(' ').filter(Boolean) as Permission[]),
      orgId: typeof payload.org_id === 'string' ? payload.org_id : undefined,
      issuedAtSeconds: Number(payload.iat),
    };
  } catch {
    return undefined;
  }
}
