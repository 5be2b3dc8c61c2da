import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { ExposedCredentialRevoker } from '../http/credential-over-plain-http';
import type { TokenRevocations } from '../oauth/token-revocations';
import type { AuditSink } from '../pipeline/audit-sink';
import { findKeySecrets, revokeKey } from './api-key-queries';
import { apiKeySecretMatches } from './api-key-secret-matches';
import { parseApiKey } from './api-key-token';

/**
 * Revokes an API key that crossed the network in clear text (over plain
 * HTTP or in a URL), and audits it as the system's act. It runs at the
 * front door, before any context, principal or `ctx.audit` exists (an
 * exposed credential is never authenticated), so it writes to the audit
 * sink directly with the system actor.
 */
export function createExposedApiKeyRevoker(deps: {
  db: Kysely<Database>;
  audit: AuditSink;
  tokenRevocations?: TokenRevocations;
}): ExposedCredentialRevoker {
  return async function revokeExposedApiKey(credential, request) {
    if (credential.kind === 'session') return;
    const parsed = parseApiKey(credential.value);
    if (!parsed) return;
    const row = await findKeySecrets(deps.db, parsed.id);
    if (!row || row.revoked_at !== null) return;
    if (!apiKeySecretMatches(row, parsed.secretHash, Date.now())) return;
    await deps.db.transaction().execute(async (trx) => {
      await revokeKey(trx, row.id);
      await deps.audit.append(trx, {
        action: 'api_key.revoke_exposed',
        actor: { type: 'system', id: null },
        target: { type: 'api_key', id: row.id },
        outcome: 'success',
        ip: request.ip,
        requestId: request.requestId,
        details: { cause: request.cause ?? 'sent over plain HTTP' },
      });
    });
    deps.tokenRevocations?.keyRevoked(row.id);
  };
}
