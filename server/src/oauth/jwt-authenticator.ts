import type { Kysely } from 'kysely';
import { createAggregatedAudit, type AggregatedAudit } from '../audit/aggregated-audit';
import type { Database } from '../db/database';
import type { AuditSink } from '../pipeline/audit-sink';
import type { Authenticator } from '../pipeline/authenticator';
import type { Principal } from '../pipeline/principal';
import { verifyAccessToken, type TokenSettings } from './access-token';
import type { SigningKeys } from './signing-keys';
import type { TokenRevocations } from './token-revocations';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * `Authorization: Bearer <jwt>` from the token endpoint. The token carries
 * the key's scopes as they were at issue (≤ JWT_TTL_SECONDS ago): no
 * database read on this path. Tokens of a since-revoked key or since-locked
 * owner are refused from the in-memory revocation list.
 */
export interface JwtAuthenticatorDeps {
  readonly keys: SigningKeys;
  readonly settings: TokenSettings;
  readonly revocations: TokenRevocations;
  /** Where a genuine token of a revoked key is recorded (a write on refusal only). */
  readonly audit: AuditSink;
  readonly db: Kysely<Database>;
  /** Aggregates repeated refusals of one key (a replayed token): bounded audit writes. */
  readonly refusals?: AggregatedAudit;
}

export function createJwtAuthenticator(deps: JwtAuthenticatorDeps): Authenticator {
  const { keys, settings, revocations } = deps;
  const refusals =
    deps.refusals ?? createAggregatedAudit({ audit: deps.audit, db: deps.db, windowMs: 60_000 });
  return async function jwtAuthenticator(req) {
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    if (!bearer || !JWT_SHAPE.test(bearer)) return undefined;
    const verified = await verifyAccessToken(keys, settings, bearer);
    if (!verified) return { error: 'JWT_INVALID' };
    if (revocations.isRevoked(verified)) {
      // Genuine (the signature verified), so its key id can be trusted in the audit log.
      await refusals.append(`api_key.use|${verified.clientId}|revoked token`, {
        action: 'api_key.use',
        actor: { type: 'api_key', id: verified.clientId },
        outcome: 'denied',
        ip: req.ip,
        requestId: req.requestId,
        details: { reason: 'access token of a revoked key or locked owner' },
      });
      return { error: 'JWT_INVALID' };
    }
    const principal: Principal = {
      kind: 'jwt',
      userId: verified.userId,
      email: '',
      role: 'user',
      permissions: verified.scopes,
      scopes: verified.scopes,
      emailVerified: true,
      sessionId: undefined,
      apiKeyId: verified.clientId,
      orgId: verified.orgId,
      authLevel: undefined,
      reauthenticatedAt: undefined,
    };
    return { principal };
  };
}
