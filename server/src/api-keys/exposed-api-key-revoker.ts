import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { ExposedCredentialRevoker } from '../http/credential-over-plain-http';
import type { AuditSink } from '../pipeline/audit-sink';
import { constantTimeEqual } from '../crypto/random-token';
import type { TokenRevocations } from '../oauth/token-revocations';
import { parseApiKey } from './api-key-token';

/** Revokes an API key that crossed the network in clear text (it reached the plain-HTTP listener), and audits it. */
export function createExposedApiKeyRevoker(deps: {
  db: Kysely<Database>;
  audit: AuditSink;
  tokenRevocations?: TokenRevocations;
}): ExposedCredentialRevoker {
  return async function revokeExposedApiKey(credential, request) {
    if (credential.kind === 'session') return;
    const parsed = parseApiKey(credential.value);
    if (!parsed) return;
    const row = await deps.db
      .selectFrom('api_keys')
      .select(['id', 'secret_hash', 'previous_secret_hash', 'previous_expires_at', 'revoked_at'])
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return;
    // The current secret, or the previous one while its rotation grace lasts: either still opens the key.
    const inGrace =
      row.previous_secret_hash !== null &&
      row.previous_expires_at !== null &&
      new Date(row.previous_expires_at).getTime() > Date.now();
    if (
      !constantTimeEqual(Buffer.from(row.secret_hash), parsed.secretHash) &&
      !(
        inGrace && constantTimeEqual(Buffer.from(row.previous_secret_hash ?? ''), parsed.secretHash)
      )
    )
      return;
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_keys')
        .set({ revoked_at: sql`now()` })
        .where('id', '=', row.id)
        .execute();
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
