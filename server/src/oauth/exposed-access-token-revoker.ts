import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { ExposedCredentialRevoker } from '../http/credential-over-plain-http';
import type { AuditSink } from '../pipeline/audit-sink';
import { verifyAccessToken, type TokenSettings } from './access-token';
import type { SigningKeys } from './signing-keys';
import type { TokenRevocations } from './token-revocations';

/**
 * An access token that reached the plain-HTTP listener was readable on the
 * wire for the rest of its life. The token alone cannot be recalled on every
 * instance, so the API key it was issued to is revoked (which stops all its
 * tokens, see token-revocations.ts) and audited — as for the key itself.
 * Only a token that verifies counts: a forged one must not revoke anybody's key.
 */
export function createExposedAccessTokenRevoker(deps: {
  db: Kysely<Database>;
  audit: AuditSink;
  keys: SigningKeys;
  settings: TokenSettings;
  tokenRevocations: TokenRevocations;
}): ExposedCredentialRevoker {
  return async function revokeExposedAccessToken(credential, request) {
    if (credential.kind !== 'bearer') return;
    const token = await verifyAccessToken(deps.keys, deps.settings, credential.value);
    if (!token) return;
    const revoked = await deps.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('api_keys')
        .set({ revoked_at: sql`now()` })
        .where('id', '=', token.clientId)
        .where('user_id', '=', token.userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await deps.audit.append(trx, {
        action: 'api_key.revoke_exposed',
        actor: { type: 'system', id: null },
        target: { type: 'api_key', id: token.clientId },
        outcome: 'success',
        ip: request.ip,
        requestId: request.requestId,
        details: { cause: `access token ${request.cause ?? 'sent over plain HTTP'}` },
      });
      return true;
    });
    if (revoked) deps.tokenRevocations.keyRevoked(token.clientId);
  };
}
